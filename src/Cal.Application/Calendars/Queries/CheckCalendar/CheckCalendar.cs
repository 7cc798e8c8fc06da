using Cal.Application.Calendars.Common;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Mediator;

namespace Cal.Application.Calendars.IcsFeeds.Queries.CheckIcsFeed;

/// <summary>cal.com's <c>GET /v2/calendars/ics-feed/check</c>: is the user's ICS-feed credential usable right now?</summary>
public sealed record CheckIcsFeedQuery(int UserId) : IQuery<Unit>;

public sealed class CheckIcsFeedQueryHandler(ICredentialRepository credentials, CalendarProviders providers) : IQueryHandler<CheckIcsFeedQuery, Unit>
{
    public async ValueTask<Unit> Handle(CheckIcsFeedQuery query, CancellationToken cancellationToken)
    {
        var credential = await credentials.FindByUserAndTypeAsync(query.UserId, CalendarApps.IcsFeed.Type, cancellationToken)
            ?? throw new BadRequestException("Credentials for Ics Feed calendar not found.");
        if (credential.Invalid)
        {
            throw new BadRequestException("Invalid Ics Feed credentials.");
        }

        var check = await providers.For(credential.Type)!.CheckConnectionAsync(credential, cancellationToken);
        if (!check.IsConnected)
        {
            throw new CalendarUnavailableException(credential.Id, check.FailingCalendarIndex ?? 0, check.Failure!, duringCheck: true);
        }

        return Unit.Value;
    }
}

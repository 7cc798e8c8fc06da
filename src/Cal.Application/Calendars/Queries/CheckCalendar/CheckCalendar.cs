using Cal.Application.Calendars.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using FluentValidation;
using Mediator;

namespace Cal.Application.Calendars.Queries.CheckCalendar;

/// <summary>
/// cal.com's <c>GET /v2/calendars/{calendar}/check</c>: are the user's credentials of that calendar app usable right now?
/// Every account of the app is checked; the first that fails is named (<c>401</c>, as cal.com answers).
/// </summary>
public sealed record CheckCalendarQuery(int UserId, string Calendar) : IQuery<Unit>, IValidated;

public sealed class CheckCalendarQueryValidator : AbstractValidator<CheckCalendarQuery>
{
    public CheckCalendarQueryValidator() => RuleFor(c => c.Calendar).MustNameACalendar();
}

public sealed class CheckCalendarQueryHandler(ICredentialRepository credentials, CalendarProviders providers)
    : IQueryHandler<CheckCalendarQuery, Unit>
{
    public async ValueTask<Unit> Handle(CheckCalendarQuery query, CancellationToken cancellationToken)
    {
        var type = CalendarApps.TypeOfRoute(query.Calendar)!;
        var (notFound, invalid) =
            type == CalendarApps.IcsFeed.Type
                ? ("Credentials for Ics Feed calendar not found.", "Invalid Ics Feed credentials.") // cal.com's words for ICS feeds
                : (
                    $"Credentials for {query.Calendar.ToLowerInvariant()} calendar not found.",
                    $"Invalid {query.Calendar.ToLowerInvariant()} calendar credentials."
                );

        var found = await credentials.ListForUserAndTypeAsync(query.UserId, type, cancellationToken);
        if (found.Count == 0)
        {
            throw new BadRequestException(notFound);
        }

        if (found.Any(c => c.Invalid))
        {
            throw new BadRequestException(invalid);
        }

        var provider = providers.For(type) ?? throw new BadRequestException(notFound);
        foreach (var credential in found)
        {
            var check = await provider.CheckConnectionAsync(credential, cancellationToken);
            if (!check.IsConnected)
            {
                throw new CalendarUnavailableException(
                    credential.Id,
                    check.FailingCalendarIndex ?? 0,
                    check.Failure!,
                    duringCheck: true,
                    check.Account
                );
            }
        }

        return Unit.Value;
    }
}

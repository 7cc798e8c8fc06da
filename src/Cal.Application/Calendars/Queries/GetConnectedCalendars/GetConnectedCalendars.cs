using AutoMapper;
using Cal.Application.Calendars.Common;
using Cal.Domain.Calendars;
using Mediator;

namespace Cal.Application.Calendars.Queries.GetConnectedCalendars;

/// <summary>cal.com's <c>GET /v2/calendars</c>: the user's connected calendars, grouped by credential.</summary>
public sealed record GetConnectedCalendarsQuery(int UserId) : IQuery<ConnectedCalendarsDto>;

public sealed class GetConnectedCalendarsQueryHandler(
    UserCalendarsReader calendars,
    CalendarProviders providers,
    DestinationCalendars.Common.IDestinationCalendarStore destinations,
    IMapper mapper
) : IQueryHandler<GetConnectedCalendarsQuery, ConnectedCalendarsDto>
{
    /// <summary>From the user's read model: built once, then served from memory until a write changes the user's calendars.</summary>
    public ValueTask<ConnectedCalendarsDto> Handle(GetConnectedCalendarsQuery query, CancellationToken cancellationToken) =>
        calendars.ViewAsync(query.UserId, (user, token) => BuildAsync(query.UserId, user, token), cancellationToken);

    private async Task<ConnectedCalendarsDto> BuildAsync(int userId, UserCalendars user, CancellationToken cancellationToken)
    {
        var connected = new List<ConnectedCalendarDto>();
        TimeSpan? keepFor = null;
        foreach (var credential in user.Credentials)
        {
            if (providers.For(credential.Type) is not { } provider)
            {
                continue; // A credential of a provider this server does not run.
            }

            if (provider.ListedCalendarsFreshFor is { } freshFor && (keepFor is null || freshFor < keepFor))
            {
                keepFor = freshFor;
            }

            var calendars = await ListAsync(provider, credential, user.SelectionFor(credential), cancellationToken);
            connected.Add(
                new ConnectedCalendarDto(
                    mapper.Map<IntegrationDto>(provider.Integration),
                    credential.Id,
                    null,
                    calendars.FirstOrDefault(),
                    calendars
                )
            );
        }

        var destination = await DestinationAsync(userId, connected, cancellationToken);
        return new ConnectedCalendarsDto(connected, destination) { KeepFor = keepFor };
    }

    /// <summary>The calendars the provider lists for the credential, the first one primary, each selected unless deselected.</summary>
    private static async Task<List<CalendarDto>> ListAsync(
        ICalendarProvider provider,
        Credential credential,
        CalendarSelection selection,
        CancellationToken cancellationToken
    )
    {
        var integration = provider.Integration;
        return (await provider.ListCalendarsAsync(credential, cancellationToken))
            .Select(
                (c, i) =>
                    new CalendarDto(
                        c.ExternalId,
                        c.Name,
                        i == 0,
                        c.ReadOnly,
                        c.IsSelected && !selection.IsDeselected(c.ExternalId),
                        credential.Id,
                        null,
                        integration.Type,
                        integration.DisplayName,
                        c.Email
                    )
            )
            .ToList();
    }

    /// <summary>The destination, as one of the calendars listed (a calendar gone from its server is not one).</summary>
    private async Task<DestinationCalendarDto?> DestinationAsync(
        int userId,
        List<ConnectedCalendarDto> connected,
        CancellationToken cancellationToken
    )
    {
        if (
            await destinations.FindAsync(userId, cancellationToken) is not { } stored
            || connected.FirstOrDefault(c => c.CredentialId == stored.CredentialId) is not { } account
            || account.Calendars.FirstOrDefault(c => c.ExternalId == stored.ExternalId) is not { } calendar
        )
        {
            return null;
        }

        return new DestinationCalendarDto(
            stored.Id,
            stored.Integration,
            stored.ExternalId,
            calendar.Email,
            stored.UserId,
            null,
            stored.CredentialId,
            calendar.Name,
            calendar.Primary,
            calendar.ReadOnly,
            calendar.Email,
            account.Integration.Title
        );
    }
}

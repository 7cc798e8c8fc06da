using Cal.Application.Calendars.Common;
using Cal.Application.Common.Interfaces;
using Mediator;

namespace Cal.Application.Calendars.Queries.GetConnectedCalendars;

/// <summary>cal.com's <c>GET /v2/calendars</c>: the user's connected calendars, grouped by credential.</summary>
public sealed record GetConnectedCalendarsQuery(int UserId) : IQuery<ConnectedCalendarsDto>;

public sealed record ConnectedCalendarsDto(IReadOnlyList<ConnectedCalendarDto> ConnectedCalendars, object? DestinationCalendar);

public sealed record ConnectedCalendarDto(IntegrationDto Integration, int CredentialId, IReadOnlyList<CalendarDto> Calendars);

public sealed record IntegrationDto(string Type, string Slug, string AppId, string Title, string Category);

public sealed record CalendarDto(string ExternalId, string Name, bool ReadOnly, bool IsSelected, int CredentialId, string Integration);

public sealed class GetConnectedCalendarsQueryHandler(ICredentialRepository credentials, CalendarProviders providers)
    : IQueryHandler<GetConnectedCalendarsQuery, ConnectedCalendarsDto>
{
    public async ValueTask<ConnectedCalendarsDto> Handle(GetConnectedCalendarsQuery query, CancellationToken cancellationToken)
    {
        var connected = new List<ConnectedCalendarDto>();
        foreach (var credential in await credentials.ListForUserAsync(query.UserId, cancellationToken))
        {
            if (providers.For(credential.Type) is not { } provider)
            {
                continue; // A credential of a provider this server does not run.
            }

            var integration = provider.Integration;
            var calendars = await provider.ListCalendarsAsync(credential, cancellationToken);
            connected.Add(new ConnectedCalendarDto(
                new IntegrationDto(integration.Type, integration.Slug, integration.AppId, integration.Title, integration.Category),
                credential.Id,
                calendars.Select(c => new CalendarDto(c.ExternalId, c.Name, c.ReadOnly, c.IsSelected, credential.Id, integration.Type)).ToList()));
        }

        return new ConnectedCalendarsDto(connected, DestinationCalendar: null);
    }
}

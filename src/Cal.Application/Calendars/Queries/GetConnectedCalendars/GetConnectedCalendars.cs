using Cal.Application.Calendars.Common;
using Cal.Application.Common.Interfaces;
using Mediator;

namespace Cal.Application.Calendars.Queries.GetConnectedCalendars;

/// <summary>cal.com's <c>GET /v2/calendars</c>: the user's connected calendars, grouped by credential.</summary>
public sealed record GetConnectedCalendarsQuery(int UserId) : IQuery<ConnectedCalendarsDto>;

public sealed record ConnectedCalendarsDto(
    IReadOnlyList<ConnectedCalendarDto> ConnectedCalendars,
    DestinationCalendarDto? DestinationCalendar
) : IShortLivedView
{
    /// <summary>How long the read model may keep this list (its providers' shortest; CalDAV accounts' calendars are revalidated).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public TimeSpan? KeepFor { get; init; }
}

/// <summary>cal.com's <c>DestinationCalendar</c> (<c>data.destinationCalendar</c>): where the user's bookings are written.</summary>
public sealed record DestinationCalendarDto(
    int Id,
    string Integration,
    string ExternalId,
    string? PrimaryEmail,
    int UserId,
    int? EventTypeId,
    int CredentialId,
    string Name,
    bool Primary,
    bool ReadOnly,
    string? Email,
    string IntegrationTitle
);

/// <summary>cal.com's connected calendar: its app, credential, primary calendar (the first), and calendars.</summary>
public sealed record ConnectedCalendarDto(
    IntegrationDto Integration,
    int CredentialId,
    int? DelegationCredentialId,
    CalendarDto? Primary,
    IReadOnlyList<CalendarDto> Calendars
);

/// <summary>cal.com's app fields of <c>connectedCalendars[].integration</c> (<c>appId</c> is Cal's addition).</summary>
public sealed record IntegrationDto(
    string Name,
    string Description,
    string Type,
    string Title,
    string Variant,
    string Category,
    IReadOnlyList<string> Categories,
    string Logo,
    string Publisher,
    string Slug,
    string Url,
    string Email,
    object? LocationOption,
    string DirName,
    string AppId
)
{
    public static IntegrationDto From(CalendarIntegration app) =>
        new(
            app.DisplayName,
            app.Description,
            app.Type,
            app.Title,
            app.Category,
            app.Category,
            [app.Category],
            app.Logo,
            app.Publisher,
            app.Slug,
            app.Url,
            app.Email,
            null,
            app.Folder,
            app.AppId
        );
}

/// <summary>cal.com's calendar of a connected calendar (<c>email</c>: the account's, for providers with accounts; absent for ICS
/// feeds).</summary>
public sealed record CalendarDto(
    string ExternalId,
    string Name,
    bool Primary,
    bool ReadOnly,
    bool IsSelected,
    int CredentialId,
    int? DelegationCredentialId,
    string Integration,
    string IntegrationName,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        string? Email = null
);

public sealed class GetConnectedCalendarsQueryHandler(
    UserCalendarsReader calendars,
    CalendarProviders providers,
    DestinationCalendars.Common.IDestinationCalendarStore destinations
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

            var integration = provider.Integration;
            var selection = user.SelectionFor(credential);
            var calendars = (await provider.ListCalendarsAsync(credential, cancellationToken))
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
            connected.Add(
                new ConnectedCalendarDto(IntegrationDto.From(integration), credential.Id, null, calendars.FirstOrDefault(), calendars)
            );
        }

        // The destination, as one of the calendars listed (a calendar gone from its server is not one).
        DestinationCalendarDto? destination = null;
        if (
            await destinations.FindAsync(userId, cancellationToken) is { } stored
            && connected.FirstOrDefault(c => c.CredentialId == stored.CredentialId) is { } account
            && account.Calendars.FirstOrDefault(c => c.ExternalId == stored.ExternalId) is { } calendar
        )
        {
            destination = new DestinationCalendarDto(
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

        return new ConnectedCalendarsDto(connected, destination) { KeepFor = keepFor };
    }
}

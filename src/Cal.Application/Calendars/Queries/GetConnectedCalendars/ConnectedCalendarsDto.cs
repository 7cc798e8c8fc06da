using System.Text.Json.Serialization;
using Cal.Application.Common.Interfaces;

namespace Cal.Application.Calendars.Queries.GetConnectedCalendars;

/// <summary>cal.com's <c>data</c> of <c>GET /v2/calendars</c>: connected calendars by credential, and the destination.</summary>
public sealed record ConnectedCalendarsDto(
    IReadOnlyList<ConnectedCalendarDto> ConnectedCalendars,
    DestinationCalendarDto? DestinationCalendar
) : IShortLivedView
{
    /// <summary>How long the read model may keep this list (its providers' shortest; CalDAV accounts' calendars are revalidated).</summary>
    [JsonIgnore]
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
);

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
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Email = null
);

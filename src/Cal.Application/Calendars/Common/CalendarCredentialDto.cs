namespace Cal.Application.Calendars.Common;

/// <summary>A credential as cal.com returns it on save and disconnect (its ICS feed's <c>CreateIcsFeedOutput</c>; Cal answers every
/// provider's in this shape).</summary>
public sealed record CalendarCredentialDto
{
    public int Id { get; init; }

    public string Type { get; init; } = "";

    public int UserId { get; init; }

    public int? TeamId { get; init; }

    public string AppId { get; init; } = "";

    public bool Invalid { get; init; }
}

namespace Cal.Application.Calendars.IcsFeeds.Common;

/// <summary>cal.com's ICS-feed credential output (<c>CreateIcsFeedOutput</c>).</summary>
public sealed record IcsFeedCredentialDto
{
    public int Id { get; init; }

    public string Type { get; init; } = "";

    public int UserId { get; init; }

    public int? TeamId { get; init; }

    public string AppId { get; init; } = "";

    public bool Invalid { get; init; }
}

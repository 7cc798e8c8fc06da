namespace Cal.Domain.Calendars;

/// <summary>The secret content of an ICS-feed credential: the feed URLs and whether they are read-only.</summary>
public sealed record IcsFeedCredentialSecret(IReadOnlyList<string> Urls, bool ReadOnly);

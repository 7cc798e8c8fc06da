namespace Cal.Application.Calendars.Common;

/// <summary>One calendar a busy-times request names (cal.com's <c>calendarsToLoad[i][credentialId]</c> and <c>[externalId]</c>).</summary>
public sealed record CalendarToLoad(int? CredentialId, string? ExternalId);

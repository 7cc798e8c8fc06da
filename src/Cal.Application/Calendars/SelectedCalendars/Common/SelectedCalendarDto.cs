namespace Cal.Application.Calendars.SelectedCalendars.Common;

/// <summary>cal.com's selected calendar: <c>{userId, integration, externalId, credentialId}</c>.</summary>
public sealed record SelectedCalendarDto(int UserId, string Integration, string ExternalId, int CredentialId);

namespace Cal.Application.Calendars.Common;

/// <summary>A calendar whose busy times were cut short by the budget.</summary>
public sealed record TruncatedCalendar(int CredentialId, string ExternalId);

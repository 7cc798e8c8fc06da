namespace Cal.Application.DestinationCalendars.Common;

/// <summary>cal.com's <c>DestinationCalendarsOutputDto</c>.</summary>
public sealed record DestinationCalendarSetDto(int UserId, string Integration, string ExternalId, int CredentialId);

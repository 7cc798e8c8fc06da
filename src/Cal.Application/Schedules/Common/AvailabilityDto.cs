namespace Cal.Application.Schedules.Common;

/// <summary>cal.com's weekly hours: <c>{"days":["Monday",...],"startTime":"09:00","endTime":"17:00"}</c>.</summary>
public sealed record AvailabilityDto(IReadOnlyList<string> Days, string StartTime, string EndTime);

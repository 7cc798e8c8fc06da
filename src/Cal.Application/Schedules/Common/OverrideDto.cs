namespace Cal.Application.Schedules.Common;

/// <summary>cal.com's date override: <c>{"date":"2026-12-24","startTime":"09:00","endTime":"12:00"}</c>.</summary>
public sealed record OverrideDto(string Date, string StartTime, string EndTime);

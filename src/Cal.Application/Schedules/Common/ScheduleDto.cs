using System.Globalization;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Schedules;

namespace Cal.Application.Schedules.Common;

/// <summary>cal.com's weekly hours: <c>{"days":["Monday",...],"startTime":"09:00","endTime":"17:00"}</c>.</summary>
public sealed record AvailabilityDto(IReadOnlyList<string> Days, string StartTime, string EndTime);

/// <summary>cal.com's date override: <c>{"date":"2026-12-24","startTime":"09:00","endTime":"12:00"}</c>.</summary>
public sealed record OverrideDto(string Date, string StartTime, string EndTime);

/// <summary>cal.com's <c>ScheduleOutput_2024_06_11</c>.</summary>
public sealed record ScheduleDto(int Id, int OwnerId, string Name, string TimeZone, IReadOnlyList<AvailabilityDto> Availability, bool IsDefault, IReadOnlyList<OverrideDto> Overrides)
{
    public static ScheduleDto From(Schedule schedule) => new(
        schedule.Id,
        schedule.UserId,
        schedule.Name,
        schedule.TimeZone,
        schedule.Availability.Select(a => new AvailabilityDto(a.Days.Select(d => d.ToString()).ToList(), Time(a.Start), Time(a.End))).ToList(),
        schedule.IsDefault,
        schedule.Overrides.Select(o => new OverrideDto(o.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Time(o.Start), Time(o.End))).ToList());

    private static string Time(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);
}

/// <summary>Parsing of cal.com's hours (names of days, <c>HH:mm</c> times, <c>yyyy-MM-dd</c> dates), and the owner check.</summary>
public static class ScheduleInput
{
    public static bool TryDays(IReadOnlyList<string>? days, out List<DayOfWeek> parsed)
    {
        parsed = [];
        foreach (var day in days ?? [])
        {
            if (!Enum.TryParse<DayOfWeek>(day, ignoreCase: false, out var d) || !Enum.IsDefined(d) || int.TryParse(day, out _))
            {
                return false;
            }

            parsed.Add(d);
        }

        return parsed.Count > 0;
    }

    public static bool TryTime(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    public static bool TryDate(string? text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    public static List<ScheduleAvailability>? Availability(IReadOnlyList<AvailabilityDto>? input) =>
        input?.Select(a =>
        {
            TryDays(a.Days, out var days);
            TryTime(a.StartTime, out var start);
            TryTime(a.EndTime, out var end);
            return new ScheduleAvailability(days, start, end);
        }).ToList();

    public static List<ScheduleOverride>? Overrides(IReadOnlyList<OverrideDto>? input) =>
        input?.Select(o =>
        {
            TryDate(o.Date, out var date);
            TryTime(o.StartTime, out var start);
            TryTime(o.EndTime, out var end);
            return new ScheduleOverride(date, start, end);
        }).ToList();

    /// <summary>The caller's schedule: unknown is <c>404</c>, another user's <c>403</c> (as cal.com answers).</summary>
    public static async Task<Schedule> OwnedAsync(IScheduleRepository schedules, int userId, int scheduleId, CancellationToken cancellationToken)
    {
        var schedule = await schedules.FindAsync(scheduleId, cancellationToken) ?? throw new NotFoundException($"Schedule with id={scheduleId} not found.");
        return schedule.UserId == userId ? schedule : throw new ForbiddenException($"Schedule with id={scheduleId} is not yours.");
    }
}

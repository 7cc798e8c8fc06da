using System.Globalization;
using Cal.Domain.Schedules;

namespace Cal.Application.Schedules.Common;

/// <summary>Parsing of cal.com's hours (names of days, <c>HH:mm</c> times, <c>yyyy-MM-dd</c> dates), read once the validator has checked
/// them.</summary>
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
        input
            ?.Select(a =>
            {
                TryDays(a.Days, out var days);
                TryTime(a.StartTime, out var start);
                TryTime(a.EndTime, out var end);
                return new ScheduleAvailability(days, start, end);
            })
            .ToList();

    public static List<ScheduleOverride>? Overrides(IReadOnlyList<OverrideDto>? input) =>
        input
            ?.Select(o =>
            {
                TryDate(o.Date, out var date);
                TryTime(o.StartTime, out var start);
                TryTime(o.EndTime, out var end);
                return new ScheduleOverride(date, start, end);
            })
            .ToList();
}

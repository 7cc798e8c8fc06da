using System.Globalization;
using Cal.Application.Common;
using Cal.Domain.Schedules;

namespace Cal.Application.Schedules.Common;

/// <summary>
/// A schedule's weekly hours (<c>availability</c>) as they came in, parsed once where the request enters: the
/// <see cref="ScheduleAvailability"/> list handlers use, or the problems its validator reports (cal.com's day names,
/// <c>HH:mm</c> times, an end after the start or midnight).
/// </summary>
public sealed class AvailabilityInput : IParsedInput
{
    private AvailabilityInput(List<ScheduleAvailability> hours, List<InputProblem> problems)
    {
        Hours = problems.Count == 0 ? hours : null;
        Problems = problems;
    }

    /// <summary>The hours; null exactly when there are <see cref="Problems"/>.</summary>
    public IReadOnlyList<ScheduleAvailability>? Hours { get; }

    public IReadOnlyList<InputProblem> Problems { get; }

    /// <summary>The hours of a validated message (the validator refused any input with problems).</summary>
    public IReadOnlyList<ScheduleAvailability> Valid =>
        Hours ?? throw new InvalidOperationException("Hours reached a handler unvalidated.");

    /// <summary>The input for the hours sent; null when none were (a field left as it is).</summary>
    public static AvailabilityInput? Parse(IReadOnlyList<AvailabilityDto>? sent)
    {
        if (sent is null)
        {
            return null;
        }

        var hours = new List<ScheduleAvailability>(sent.Count);
        var problems = new List<InputProblem>();
        for (var i = 0; i < sent.Count; i++)
        {
            AvailabilityDto? a = sent[i]; // a JSON null element is possible whatever the type says
            if (!HoursText.TryDays(a?.Days, out var days))
            {
                problems.Add(new($"availability[{i}].days", "must list days by name: Monday ... Sunday"));
            }

            if (!HoursText.TryTime(a?.StartTime, out var start) || !HoursText.TryTime(a?.EndTime, out var end))
            {
                problems.Add(new($"availability[{i}]", "startTime and endTime must be HH:mm"));
            }
            else if (end <= start && end != TimeOnly.MinValue)
            {
                problems.Add(new($"availability[{i}]", "endTime must be after startTime (or 00:00, midnight)"));
            }
            else
            {
                hours.Add(new ScheduleAvailability(days, start, end));
            }
        }

        return new AvailabilityInput(hours, problems);
    }
}

/// <summary>
/// A schedule's date overrides (<c>overrides</c>) as they came in, parsed once where the request enters: the
/// <see cref="ScheduleOverride"/> list handlers use, or the problems its validator reports.
/// </summary>
public sealed class OverridesInput : IParsedInput
{
    private OverridesInput(List<ScheduleOverride> overrides, List<InputProblem> problems)
    {
        Overrides = problems.Count == 0 ? overrides : null;
        Problems = problems;
    }

    /// <summary>The overrides; null exactly when there are <see cref="Problems"/>.</summary>
    public IReadOnlyList<ScheduleOverride>? Overrides { get; }

    public IReadOnlyList<InputProblem> Problems { get; }

    /// <summary>The overrides of a validated message.</summary>
    public IReadOnlyList<ScheduleOverride> Valid =>
        Overrides ?? throw new InvalidOperationException("Overrides reached a handler unvalidated.");

    /// <summary>The input for the overrides sent; null when none were.</summary>
    public static OverridesInput? Parse(IReadOnlyList<OverrideDto>? sent)
    {
        if (sent is null)
        {
            return null;
        }

        var overrides = new List<ScheduleOverride>(sent.Count);
        var problems = new List<InputProblem>();
        for (var i = 0; i < sent.Count; i++)
        {
            OverrideDto? o = sent[i];
            var dated = HoursText.TryDate(o?.Date, out var date);
            if (!dated)
            {
                problems.Add(new($"overrides[{i}].date", "must be a date such as 2026-12-24"));
            }

            if (!HoursText.TryTime(o?.StartTime, out var start) || !HoursText.TryTime(o?.EndTime, out var end))
            {
                problems.Add(new($"overrides[{i}]", "startTime and endTime must be HH:mm"));
            }
            else if (end < start && end != TimeOnly.MinValue)
            {
                problems.Add(new($"overrides[{i}]", "endTime must be after startTime (00:00-00:00 is a day off)"));
            }
            else if (dated)
            {
                overrides.Add(new ScheduleOverride(date, start, end));
            }
        }

        return new OverridesInput(overrides, problems);
    }
}

/// <summary>cal.com's spellings of days (<c>Monday</c>), times (<c>HH:mm</c>) and dates (<c>yyyy-MM-dd</c>).</summary>
internal static class HoursText
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
}

using Cal.Domain.Common;

namespace Cal.Domain.Schedules;

/// <summary>Weekly hours of a schedule: on these days, from <see cref="Start"/> to <see cref="End"/>, wall-clock in the schedule's
/// zone.</summary>
public sealed record ScheduleAvailability(IReadOnlyList<DayOfWeek> Days, TimeOnly Start, TimeOnly End);

/// <summary>A date's own hours, replacing the weekly ones that day; <c>00:00</c>-<c>00:00</c> is a day off.</summary>
public sealed record ScheduleOverride(DateOnly Date, TimeOnly Start, TimeOnly End);

/// <summary>
/// A user's working hours (cal.com's schedule): weekly availability and date overrides, as wall-clock times in the
/// schedule's own IANA zone, so 09:00 stays 09:00 across a DST change. A user has at most one default schedule.
/// </summary>
public sealed class Schedule : Entity
{
    /// <summary>cal.com's default hours: Monday to Friday, 09:00 to 17:00.</summary>
    public static readonly IReadOnlyList<ScheduleAvailability> DefaultAvailability =
    [
        new(
            [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday],
            new TimeOnly(9, 0),
            new TimeOnly(17, 0)
        ),
    ];

    private Schedule(int userId, string name, string timeZone)
    {
        UserId = userId;
        Name = name;
        TimeZone = timeZone;
    }

    public int UserId { get; private set; }

    public string Name { get; private set; }

    public string TimeZone { get; private set; }

    public bool IsDefault { get; private set; }

    public IReadOnlyList<ScheduleAvailability> Availability { get; private set; } = DefaultAvailability;

    public IReadOnlyList<ScheduleOverride> Overrides { get; private set; } = [];

    public static Schedule Create(
        int userId,
        string name,
        string timeZone,
        IReadOnlyList<ScheduleAvailability>? availability = null,
        IReadOnlyList<ScheduleOverride>? overrides = null
    )
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(timeZone);
        var schedule = new Schedule(userId, name.Trim(), timeZone.Trim());
        schedule.Change(availability: availability, overrides: overrides);
        return schedule;
    }

    /// <summary>Changes what is given; what is null stays.</summary>
    public void Change(
        string? name = null,
        string? timeZone = null,
        IReadOnlyList<ScheduleAvailability>? availability = null,
        IReadOnlyList<ScheduleOverride>? overrides = null
    )
    {
        Name = string.IsNullOrWhiteSpace(name) ? Name : name.Trim();
        TimeZone = string.IsNullOrWhiteSpace(timeZone) ? TimeZone : timeZone.Trim();
        if (availability is not null)
        {
            foreach (var hours in availability)
            {
                if (hours.End <= hours.Start && hours.End != TimeOnly.MinValue)
                {
                    throw new ArgumentException(
                        "An availability's end must be after its start (or 00:00, midnight).",
                        nameof(availability)
                    );
                }
            }

            Availability = availability;
        }

        if (overrides is not null)
        {
            Overrides = overrides;
        }
    }

    public void MakeDefault(bool isDefault) => IsDefault = isDefault;
}

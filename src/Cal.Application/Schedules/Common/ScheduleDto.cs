using System.Globalization;
using Cal.Domain.Schedules;

namespace Cal.Application.Schedules.Common;

/// <summary>cal.com's <c>ScheduleOutput_2024_06_11</c>.</summary>
public sealed record ScheduleDto(
    int Id,
    int OwnerId,
    string Name,
    string TimeZone,
    IReadOnlyList<AvailabilityDto> Availability,
    bool IsDefault,
    IReadOnlyList<OverrideDto> Overrides
)
{
    public static ScheduleDto From(Schedule schedule) =>
        new(
            schedule.Id,
            schedule.UserId,
            schedule.Name,
            schedule.TimeZone,
            schedule
                .Availability.Select(a => new AvailabilityDto(a.Days.Select(d => d.ToString()).ToList(), Time(a.Start), Time(a.End)))
                .ToList(),
            schedule.IsDefault,
            schedule
                .Overrides.Select(o => new OverrideDto(
                    o.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    Time(o.Start),
                    Time(o.End)
                ))
                .ToList()
        );

    private static string Time(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);
}

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
);

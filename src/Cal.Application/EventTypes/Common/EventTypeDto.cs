namespace Cal.Application.EventTypes.Common;

/// <summary>The subset of cal.com's <c>EventTypeOutput_2024_06_14</c> that slots need (minutes throughout).</summary>
public sealed record EventTypeDto(
    int Id,
    int OwnerId,
    string Title,
    string Slug,
    int LengthInMinutes,
    string? Description,
    int? ScheduleId,
    int BeforeEventBuffer,
    int AfterEventBuffer,
    int MinimumBookingNotice,
    int? SlotInterval
);

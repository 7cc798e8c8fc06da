namespace Cal.Application.EventTypes.Common;

/// <summary>The fields of cal.com's event-type input that slots need (minutes).</summary>
public sealed record EventTypeFields(
    string? Title,
    string? Slug,
    int? LengthInMinutes,
    string? Description,
    int? ScheduleId,
    int? BeforeEventBuffer,
    int? AfterEventBuffer,
    int? MinimumBookingNotice,
    int? SlotInterval
);

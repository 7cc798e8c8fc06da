using Cal.Domain.Common;

namespace Cal.Domain.EventTypes;

/// <summary>
/// What can be booked (the subset of cal.com's event type that slots need): a length, a schedule (else the owner's
/// default), buffers before and after, a minimum notice and a slot interval (else the length), in minutes.
/// </summary>
public sealed class EventType : Entity
{
    private EventType(int userId, string title, string slug, int lengthInMinutes)
    {
        UserId = userId;
        Title = title;
        Slug = slug;
        LengthInMinutes = lengthInMinutes;
    }

    public int UserId { get; private set; }

    public string Title { get; private set; }

    /// <summary>Unique per owner.</summary>
    public string Slug { get; private set; }

    public int LengthInMinutes { get; private set; }

    public string? Description { get; private set; }

    public int? ScheduleId { get; private set; }

    public int BeforeEventBuffer { get; private set; }

    public int AfterEventBuffer { get; private set; }

    public int MinimumBookingNotice { get; private set; }

    public int? SlotInterval { get; private set; }

    public static EventType Create(int userId, string title, string slug, int lengthInMinutes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        ArgumentException.ThrowIfNullOrWhiteSpace(slug);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lengthInMinutes, 0);
        return new EventType(userId, title.Trim(), slug.Trim(), lengthInMinutes);
    }

    /// <summary>Changes what is given; what is null stays.</summary>
    public void Change(
        string? title = null,
        string? slug = null,
        int? lengthInMinutes = null,
        string? description = null,
        int? scheduleId = null,
        int? beforeEventBuffer = null,
        int? afterEventBuffer = null,
        int? minimumBookingNotice = null,
        int? slotInterval = null
    )
    {
        Title = string.IsNullOrWhiteSpace(title) ? Title : title.Trim();
        Slug = string.IsNullOrWhiteSpace(slug) ? Slug : slug.Trim();
        LengthInMinutes = lengthInMinutes is > 0 ? lengthInMinutes.Value : LengthInMinutes;
        Description = description ?? Description;
        ScheduleId = scheduleId ?? ScheduleId;
        BeforeEventBuffer = beforeEventBuffer ?? BeforeEventBuffer;
        AfterEventBuffer = afterEventBuffer ?? AfterEventBuffer;
        MinimumBookingNotice = minimumBookingNotice ?? MinimumBookingNotice;
        SlotInterval = slotInterval ?? SlotInterval;
    }
}

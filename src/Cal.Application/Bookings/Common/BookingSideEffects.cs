using System.Text.Json;
using Cal.Application.DestinationCalendars.Common;
using Cal.Domain.Bookings;
using Cal.Domain.EventTypes;
using Cal.Domain.Outbox;
using Cal.Domain.Users;

namespace Cal.Application.Bookings.Common;

/// <summary>What a booking change is about, for the side effects that follow it.</summary>
public enum BookingChange
{
    Created,
    Rescheduled,
    Cancelled,
}

/// <summary>One kind of side effect of booking changes (the calendar event; webhook deliveries), as outbox items.</summary>
public interface IBookingSideEffectSource
{
    Task<IReadOnlyList<OutboxItem>> ForAsync(
        BookingChange change,
        Booking booking,
        Booking? previous,
        User host,
        EventType eventType,
        DateTimeOffset now,
        CancellationToken cancellationToken
    );
}

/// <summary>
/// Every side effect of a booking change, as outbox items stored in the change's own transaction: the calendar event
/// (written to the host's destination calendar, deleted on cancel, moved on reschedule) and whatever else is registered.
/// </summary>
public sealed class BookingSideEffects(
    IDestinationCalendarStore destinations,
    IEnumerable<IBookingSideEffectSource> sources,
    TimeProvider time
)
{
    /// <summary>Outbox items of one booking's calendar writes are ordered by this (its whole history: a reschedule continues it).</summary>
    public static string CalendarOrderKey(Booking booking) => "calendar:" + booking.RootUid;

    public Task<IReadOnlyList<OutboxItem>> ForCreatedAsync(
        Booking booking,
        User host,
        EventType eventType,
        CancellationToken cancellationToken
    ) => ForAsync(BookingChange.Created, booking, null, host, eventType, cancellationToken);

    public async Task<IReadOnlyList<OutboxItem>> ForAsync(
        BookingChange change,
        Booking booking,
        Booking? previous,
        User host,
        EventType eventType,
        CancellationToken cancellationToken
    )
    {
        var now = time.GetUtcNow();
        var items = new List<OutboxItem>();
        if (previous is not null && previous.DestinationCredentialId is not null)
        {
            items.Add(OutboxItem.Create(OutboxKind.CalendarDelete, CalendarOrderKey(previous), Payload(previous), now));
        }

        if (
            change is BookingChange.Created or BookingChange.Rescheduled
            && await destinations.FindAsync(host.Id, cancellationToken) is { } destination
        )
        {
            booking.WriteTo(destination.CredentialId, destination.ExternalId);
            items.Add(OutboxItem.Create(OutboxKind.CalendarPut, CalendarOrderKey(booking), Payload(booking), now));
        }
        else if (change == BookingChange.Cancelled && booking.DestinationCredentialId is not null)
        {
            items.Add(OutboxItem.Create(OutboxKind.CalendarDelete, CalendarOrderKey(booking), Payload(booking), now));
        }

        foreach (var source in sources)
        {
            items.AddRange(await source.ForAsync(change, booking, previous, host, eventType, now, cancellationToken));
        }

        return items;
    }

    /// <summary>A calendar item names its booking; what to write (or delete) is read when it is performed.</summary>
    public static string Payload(Booking booking) => JsonSerializer.Serialize(new CalendarItem(booking.Uid));

    public static string BookingUidOf(OutboxItem item) => JsonSerializer.Deserialize<CalendarItem>(item.Payload)!.BookingUid;

    private sealed record CalendarItem(string BookingUid);
}

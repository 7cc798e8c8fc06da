using Cal.Application.Bookings.Common;
using Cal.Application.Calendars.Common;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Availability;
using Cal.Domain.Common;
using Cal.Domain.EventTypes;

namespace Cal.Application.Slots.Common;

/// <summary>
/// When an event type can be booked: its schedule's hours (else the host's default schedule) after the minimum notice,
/// less the busy times of every selected calendar of the host, every accepted booking of the host (its buffers included)
/// and every unexpired reservation; each widened by the event type's buffers. One computation for slots, reservations
/// and bookings, so a booking is accepted exactly where a slot was offered. Calendar events Cal wrote for bookings that
/// are cancelled but not yet deleted from the calendar do not count (the booking's own record decides).
/// </summary>
public sealed class EventTypeAvailability(
    IScheduleRepository schedules,
    BusyTimeService busyTimes,
    IBookingStore bookings,
    ISlotReservationStore reservations,
    TimeProvider time
)
{
    /// <summary>What a computation leaves out: a booking being rescheduled (its own time and event), a reservation being used or
    /// moved.</summary>
    /// <param name="Reservations">False: reservations are left out altogether (a booking checks them under the host's lock, to answer 409
    /// with the time left).</param>
    public sealed record Ignoring(Domain.Bookings.Booking? Moving = null, string? ReservationUid = null, bool Reservations = true);

    /// <summary>The slots in [start, end]; <see cref="SlotResult.Exceeded"/> past <paramref name="maxSlots"/>. A calendar that cannot be
    /// read: 503 naming the event type.</summary>
    public async Task<SlotResult> SlotsAsync(
        EventType eventType,
        DateTimeOffset start,
        DateTimeOffset end,
        int maxSlots,
        Ignoring? ignoring,
        CancellationToken cancellationToken
    )
    {
        var schedule = eventType.ScheduleId is { } scheduleId
            ? await schedules.FindAsync(scheduleId, cancellationToken)
            : (await schedules.ListAsync(eventType.UserId, cancellationToken)).FirstOrDefault(s => s.IsDefault);
        if (schedule is null || !IanaTimeZone.TryParse(schedule.TimeZone, out var zone))
        {
            return new SlotResult([], Exceeded: false); // nothing to book without working hours
        }

        var length = TimeSpan.FromMinutes(eventType.LengthInMinutes);
        var request = new SlotRequest(
            length,
            eventType.SlotInterval is { } interval ? TimeSpan.FromMinutes(interval) : length,
            TimeSpan.FromMinutes(eventType.BeforeEventBuffer),
            TimeSpan.FromMinutes(eventType.AfterEventBuffer),
            TimeSpan.FromMinutes(eventType.MinimumBookingNotice),
            start,
            end,
            time.GetUtcNow()
        );

        // Everything busy over the range widened by what a slot and its buffers reach.
        var reach = length + request.BufferBefore + request.BufferAfter + TimeSpan.FromDays(1);
        var periods = await BusyAsync(eventType, start - reach, end + reach, zone, ignoring, cancellationToken);
        var weekly = schedule.Availability.Select(a => new WeeklyAvailability(a.Days.ToList(), a.Start, a.End)).ToList();
        var overrides = schedule
            .Overrides.GroupBy(o => o.Date)
            .Select(g => new DateOverride(g.Key, g.Select(o => (o.Start, o.End)).ToList()))
            .ToList();
        return SlotCalculator.Compute(zone.System, weekly, overrides, periods, request, maxSlots, cancellationToken);
    }

    /// <summary>Whether <paramref name="slotStart"/> is one of the slots offered now.</summary>
    public async Task<bool> IsOfferedAsync(
        EventType eventType,
        DateTimeOffset slotStart,
        Ignoring? ignoring,
        CancellationToken cancellationToken
    )
    {
        var slots = await SlotsAsync(
            eventType,
            slotStart,
            slotStart.AddMinutes(eventType.LengthInMinutes),
            10,
            ignoring,
            cancellationToken
        );
        return slots.Slots.Contains(slotStart);
    }

    private async Task<List<BusyPeriod>> BusyAsync(
        EventType eventType,
        DateTimeOffset from,
        DateTimeOffset to,
        IanaTimeZone zone,
        Ignoring? ignoring,
        CancellationToken cancellationToken
    )
    {
        var periods = await CalendarsBusyAsync(eventType, from, to, zone, ignoring, cancellationToken);
        foreach (var (start, end) in await bookings.AcceptedBlocksAsync(eventType.UserId, from, to, cancellationToken))
        {
            if (ignoring?.Moving is not { } own || (own.BlockStart, own.BlockEnd) != (start, end))
            {
                periods.Add(new BusyPeriod(start, end));
            }
        }

        if (ignoring?.Reservations ?? true)
        {
            var held = await reservations.ActiveAsync(
                eventType.UserId,
                from,
                to,
                time.GetUtcNow(),
                ignoring?.ReservationUid,
                cancellationToken
            );
            foreach (var (start, end) in held)
            {
                periods.Add(new BusyPeriod(start, end));
            }
        }

        return periods;
    }

    /// <summary>The host's calendars' busy times, less Cal's own events for bookings that are no longer (cancelled, their delete
    /// not done yet; the one being moved).</summary>
    private async Task<List<BusyPeriod>> CalendarsBusyAsync(
        EventType eventType,
        DateTimeOffset from,
        DateTimeOffset to,
        IanaTimeZone zone,
        Ignoring? ignoring,
        CancellationToken cancellationToken
    )
    {
        MergedBusyTimes calendars;
        try
        {
            calendars = await busyTimes.ReadAsync(eventType.UserId, new BusyWindow(from, to, zone), [], cancellationToken);
        }
        catch (CalendarUnavailableException)
        {
            // The caller is anonymous: the event type, never the host's account, credential or the upstream's answer.
            throw new AvailabilityUnavailableException(eventType.Id);
        }

        var notBusy = (await bookings.PendingEventDeletesAsync(eventType.UserId, from, to, cancellationToken)).ToHashSet();
        if (ignoring?.Moving is { } moving)
        {
            notBusy.Add((moving.Start, moving.End));
        }

        var periods = new List<BusyPeriod>(calendars.Sources.Sum(s => s.Intervals.Count));
        var merge = calendars.Merge();
        while (merge.MoveNext())
        {
            if (notBusy.Count == 0 || !notBusy.Contains((merge.Current.Start, merge.Current.End)))
            {
                periods.Add(new BusyPeriod(merge.Current.Start, merge.Current.End));
            }
        }

        return periods;
    }
}

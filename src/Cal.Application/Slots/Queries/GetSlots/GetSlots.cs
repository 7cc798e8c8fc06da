using System.Globalization;
using Cal.Application.Calendars.Common;
using Cal.Application.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.Slots.Common;
using Cal.Domain.Common;
using Cal.Domain.EventTypes;
using Mediator;

namespace Cal.Application.Slots.Queries.GetSlots;

/// <summary>
/// cal.com's <c>GET /v2/slots</c> (2024-09-04): an event type's bookable times between <c>start</c> and <c>end</c>: its
/// schedule's hours (else the owner's default schedule) minus the busy times of every selected calendar of the owner,
/// widened by the buffers, stepped by the slot interval, after the minimum notice; grouped by date in <c>timeZone</c>.
/// A calendar that cannot be read is a <c>503</c> naming it (<see cref="CalendarUnavailableException"/>), never "free".
/// </summary>
/// <param name="CallerUserId">The authenticated caller, if any: the host asking for their own slots is not counted against the anonymous
/// per-host limit.</param>
public sealed record GetSlotsQuery(
    int? EventTypeId,
    string? EventTypeSlug,
    string? Username,
    InstantInput? Start,
    InstantInput? End,
    TimeZoneInput? TimeZone,
    int? Duration,
    string? Format,
    int? CallerUserId = null
) : IQuery<IReadOnlyDictionary<string, IReadOnlyList<SlotDto>>>, IValidated;

public sealed class GetSlotsQueryHandler(
    IEventTypeRepository eventTypes,
    IUserRepository users,
    EventTypeAvailability availability,
    AnonymousAvailabilityLimit ownerLimit
) : IQueryHandler<GetSlotsQuery, IReadOnlyDictionary<string, IReadOnlyList<SlotDto>>>
{
    public const string InvalidRange = "Invalid time range given - check the 'start' and 'end' query parameters.";

    /// <summary>Slots one answer may hold: a range that would hold more is refused, so one request's work and answer stay
    /// bounded.</summary>
    public const int MaxSlots = 10_000;

    public async ValueTask<IReadOnlyDictionary<string, IReadOnlyList<SlotDto>>> Handle(
        GetSlotsQuery query,
        CancellationToken cancellationToken
    )
    {
        var (start, end) = Range(query);
        var eventType = await FindEventTypeAsync(query, cancellationToken);

        // Anonymous callers reach the host's calendars: bounded per host, whoever sends them.
        if (query.CallerUserId != eventType.UserId)
        {
            await ownerLimit.EnterAsync(eventType.UserId, cancellationToken);
        }

        var computed = await availability.SlotsAsync(eventType, start, end, MaxSlots, ignoring: null, cancellationToken);
        if (computed.Exceeded)
        {
            throw new BadRequestException(
                $"The range holds more than {MaxSlots} slots; ask for a shorter range (check the 'start' and 'end' query parameters)."
            );
        }

        return ByDate(computed.Slots, TimeSpan.FromMinutes(eventType.LengthInMinutes), query);
    }

    /// <summary>[start, end] of the query: instants of the answered years, at most a year apart.</summary>
    private static (DateTimeOffset Start, DateTimeOffset End) Range(GetSlotsQuery query)
    {
        // cal.com answers an unreadable range with one message for the request, not field errors.
        if (query.Start?.Instant is not { } start || query.End?.Instant is not { } end)
        {
            throw new BadRequestException(InvalidRange);
        }

        if (!BusyWindowParser.InAnsweredYears(start) || !BusyWindowParser.InAnsweredYears(end))
        {
            throw new BadRequestException($"{InvalidRange} Slots are answered for the years 1900 to 2100.");
        }

        if (end <= start || end > start.AddYears(1))
        {
            throw new BadRequestException(InvalidRange);
        }

        return (start, end);
    }

    /// <summary>The event type asked for (by id, or by its owner's username and slug), offering the duration asked for.</summary>
    private async Task<EventType> FindEventTypeAsync(GetSlotsQuery query, CancellationToken cancellationToken)
    {
        var eventType =
            query.EventTypeId is { } id ? await eventTypes.FindAsync(id, cancellationToken)
            : await users.FindByUsernameAsync(query.Username!, cancellationToken) is { } owner
                ? await eventTypes.FindBySlugAsync(owner.Id, query.EventTypeSlug!, cancellationToken)
            : null;
        if (eventType is null)
        {
            throw new NotFoundException(
                query.EventTypeId is { } missing
                    ? $"Event type with id={missing} not found."
                    : $"Event type '{query.EventTypeSlug}' of '{query.Username}' not found."
            );
        }

        if (query.Duration is { } duration && duration != eventType.LengthInMinutes)
        {
            // cal.com offers only the lengths an event type has; this one has one.
            throw new BadRequestException(
                $"duration {duration} is not a length event type {eventType.Id} offers: it is {eventType.LengthInMinutes} minutes long.",
                new { duration, lengthInMinutes = eventType.LengthInMinutes }
            );
        }

        return eventType;
    }

    /// <summary>The slots grouped by their date in the query's zone, as cal.com answers them.</summary>
    private static Dictionary<string, IReadOnlyList<SlotDto>> ByDate(
        IEnumerable<DateTimeOffset> slots,
        TimeSpan length,
        GetSlotsQuery query
    )
    {
        var zone = (query.TimeZone?.Valid ?? IanaTimeZone.Utc).System;
        var range = string.Equals(query.Format, "range", StringComparison.Ordinal);
        return slots
            .GroupBy(s => TimeZoneInfo.ConvertTime(s, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
            .ToDictionary(
                g => g.Key,
                g => (IReadOnlyList<SlotDto>)g.Select(s => new SlotDto(Format(s, zone), range ? Format(s + length, zone) : null)).ToList()
            );
    }

    /// <summary>An instant as cal.com writes slots: <c>2026-12-01T09:00:00.000+01:00</c>, in the zone with its offset.</summary>
    public static string Format(DateTimeOffset instant, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(instant, zone).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AutoMapper;
using Cal.Application.Bookings.Common;
using Cal.Application.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.Outbox;
using Cal.Application.Slots.Common;
using Cal.Domain.Bookings;
using Cal.Domain.EventTypes;
using Cal.Domain.Users;
using Mediator;

namespace Cal.Application.Bookings.Commands.CreateBooking;

/// <summary>cal.com's booking attendee as sent.</summary>
public sealed record AttendeeInput(string? Name, string? Email, TimeZoneInput? TimeZone, string? Language);

/// <summary>
/// cal.com's <c>POST /v2/bookings</c> (2024-08-13): book <paramref name="Start"/> of an event type for an attendee. Public, as
/// in cal.com. <paramref name="IdempotencyKey"/>: the same key and body again within 24 hours answers the same booking.
/// </summary>
public sealed record CreateBookingCommand(
    StartInput? Start,
    int? EventTypeId,
    string? EventTypeSlug,
    string? Username,
    AttendeeInput? Attendee,
    IReadOnlyList<string?>? Guests,
    JsonElement? Metadata,
    int? LengthInMinutes,
    string? ReservedSlotUid,
    string? IdempotencyKey,
    int? CallerUserId
) : ICommand<BookingCreated>, IValidated;

/// <summary>The booking, and whether this request made it (false: an idempotent repeat answered with the first one).</summary>
public sealed record BookingCreated(BookingDto Booking, bool IsNew);

public sealed class CreateBookingCommandHandler(
    IEventTypeRepository eventTypes,
    IUserRepository users,
    IBookingStore store,
    EventTypeAvailability availability,
    AnonymousAvailabilityLimit hostLimit,
    BookingSideEffects sideEffects,
    IOutboxSignal outbox,
    TimeProvider time,
    IMapper mapper
) : ICommandHandler<CreateBookingCommand, BookingCreated>
{
    public const string NotAvailable = "User either already has booking at this time or is not available";
    public const string InThePast = "Attempting to book a meeting in the past.";

    public async ValueTask<BookingCreated> Handle(CreateBookingCommand command, CancellationToken cancellationToken)
    {
        // The validation behaviour has refused what does not parse or breaks a field's rule.
        var start = command.Start!.Valid;
        var eventType = await FindEventTypeAsync(command, cancellationToken);
        var now = time.GetUtcNow();
        if (start < now)
        {
            throw new BadRequestException(InThePast);
        }

        var host =
            await users.FindByIdAsync(eventType.UserId, cancellationToken)
            ?? throw new NotFoundException($"Event type with id {eventType.Id} not found.");

        var key = command.IdempotencyKey;
        if (key is not null && await ClaimAsync(key, command, host, eventType, now, cancellationToken) is { } repeated)
        {
            return repeated;
        }

        try
        {
            var booking = await BookAsync(command, eventType, host, start, now, cancellationToken);
            key = null; // it stands for the booking now
            return new BookingCreated(mapper.Map<BookingDto>(new HostedBooking(booking, host, eventType)), IsNew: true);
        }
        finally
        {
            if (key is not null)
            {
                await store.ReleaseAsync(key, CancellationToken.None);
            }
        }
    }

    /// <summary>The event type booked (by id, or by its owner's username and slug), offering the length asked for.</summary>
    private async Task<EventType> FindEventTypeAsync(CreateBookingCommand command, CancellationToken cancellationToken)
    {
        var eventType =
            command.EventTypeId is { } id ? await eventTypes.FindAsync(id, cancellationToken)
            : await users.FindByUsernameAsync(command.Username!, cancellationToken) is { } owner
                ? await eventTypes.FindBySlugAsync(owner.Id, command.EventTypeSlug!, cancellationToken)
            : null;
        if (eventType is null)
        {
            throw new NotFoundException(
                command.EventTypeId is { } missing
                    ? $"Event type with id {missing} not found."
                    : $"Event type with slug {command.EventTypeSlug} not found."
            );
        }

        if (command.LengthInMinutes is { } length && length != eventType.LengthInMinutes)
        {
            throw new BadRequestException(
                $"lengthInMinutes {length} is not a length event type {eventType.Id} offers: it is {eventType.LengthInMinutes} minutes "
                    + "long."
            );
        }

        return eventType;
    }

    /// <summary>Claims an <c>Idempotency-Key</c>: null when this request is the first; the first's booking when it is a repeat.</summary>
    private async Task<BookingCreated?> ClaimAsync(
        string key,
        CreateBookingCommand command,
        User host,
        EventType eventType,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var (claim, existingUid) = await store.ClaimAsync(key, BodyHash(command), now, cancellationToken);
        switch (claim)
        {
            case IdempotencyClaim.Done:
                var first =
                    await store.FindAsync(existingUid!, cancellationToken)
                    ?? throw new ConflictException("The request with this Idempotency-Key is still being processed.");
                return new BookingCreated(mapper.Map<BookingDto>(new HostedBooking(first, host, eventType)), IsNew: false);
            case IdempotencyClaim.InFlight:
                throw new ConflictException("A request with this Idempotency-Key is still being processed; send it again in a moment.");
            case IdempotencyClaim.OtherBody:
                throw new UnprocessableException("This Idempotency-Key was used with another request body.");
            default:
                return null;
        }
    }

    /// <summary>The booking, checked as offered now and then inserted: the database decides overlaps and reservations.</summary>
    private async Task<Booking> BookAsync(
        CreateBookingCommand command,
        EventType eventType,
        User host,
        DateTimeOffset start,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        if (command.CallerUserId != host.Id)
        {
            await hostLimit.EnterAsync(host.Id, cancellationToken);
        }

        var booking = NewBooking(command, eventType, host, start, now);

        // Offered now (schedule, notice, the host's calendars and bookings as read for this request)...
        var ignoring = new EventTypeAvailability.Ignoring(Reservations: false);
        if (!await availability.IsOfferedAsync(eventType, start, ignoring, cancellationToken))
        {
            throw new BadRequestException(NotAvailable);
        }

        // ...and decided by the database: overlaps checked again, and reservations, under the host's lock as it inserts.
        var effects = await sideEffects.ForCreatedAsync(booking, host, eventType, cancellationToken);
        var inserted = await store.InsertAcceptedAsync(
            booking,
            effects,
            command.ReservedSlotUid,
            replacing: null,
            command.IdempotencyKey,
            now,
            cancellationToken
        );
        switch (inserted.Outcome)
        {
            case BookingInsert.Overlaps:
                throw new BadRequestException(NotAvailable);
            case BookingInsert.Reserved:
                throw new ConflictException(ReservedMessage(inserted.ReservedUntil!.Value, now));
            default:
                break;
        }

        if (effects.Count > 0)
        {
            outbox.Notify();
        }

        return booking;
    }

    private static Booking NewBooking(
        CreateBookingCommand command,
        EventType eventType,
        User host,
        DateTimeOffset start,
        DateTimeOffset now
    )
    {
        var attendee = command.Attendee!;
        return Booking.Accept(
            NewUid(),
            NewUid() + "@cal",
            eventType.Id,
            host.Id,
            $"{eventType.Title} between {host.Name ?? host.Email} and {attendee.Name!.Trim()}",
            "",
            start,
            start.AddMinutes(eventType.LengthInMinutes),
            TimeSpan.FromMinutes(eventType.BeforeEventBuffer),
            TimeSpan.FromMinutes(eventType.AfterEventBuffer),
            new Attendee(
                attendee.Name!.Trim(),
                attendee.Email!.Trim().ToLowerInvariant(),
                attendee.TimeZone!.Valid.Id,
                attendee.Language?.Trim() ?? "en"
            ),
            JsonSerializer.Serialize((command.Guests ?? []).Select(g => g!.Trim().ToLowerInvariant()).ToList()),
            command.Metadata is { ValueKind: JsonValueKind.Object } metadata ? metadata.GetRawText() : "{}",
            now
        );
    }

    public static string ReservedMessage(DateTimeOffset until, DateTimeOffset now) =>
        "Someone else reserved this booking time slot before you. This time slot will be freed up in "
        + $"{Math.Max(1, (int)Math.Ceiling((until - now).TotalSeconds))} seconds.";

    /// <summary>A URL-safe random id of 144 bits.</summary>
    public static string NewUid() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));

    /// <summary>What "the same body" means for an idempotent repeat: every field the booking depends on.</summary>
    private static string BodyHash(CreateBookingCommand c) =>
        Convert.ToHexStringLower(
            SHA256.HashData(
                Encoding.UTF8.GetBytes(
                    JsonSerializer.Serialize(
                        new
                        {
                            Start = c.Start?.Text,
                            c.EventTypeId,
                            c.EventTypeSlug,
                            c.Username,
                            c.Attendee,
                            c.Guests,
                            Metadata = c.Metadata?.GetRawText(),
                            c.LengthInMinutes,
                            c.ReservedSlotUid,
                        }
                    )
                )
            )
        );
}

using Cal.Application.Bookings.Common;
using Cal.Application.Calendars.Common;
using Cal.Application.Common.Interfaces;
using Cal.Application.Common.Telemetry;
using Cal.Application.Outbox;
using Cal.Domain.Bookings;
using Cal.Domain.Calendars;
using Cal.Domain.Outbox;
using Cal.Domain.Users;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cal.Application.Bookings.SideEffects;

/// <summary>Writes a booking as one iCalendar object (one VEVENT), the design's iCalendar library's serialisation.</summary>
public interface IBookingEventWriter
{
    string Render(Booking booking, User host, DateTimeOffset stamp);
}

/// <summary>
/// The booking's calendar event, as outbox items: written to the calendar chosen when it was booked (<c>PUT</c> with
/// <c>If-None-Match: *</c>), deleted on cancel (<c>If-Match</c> its ETag). A server that is down, slow or answers 5xx is
/// tried again later; one that refuses the account (401/403), or a calendar gone, is a failure, logged with the booking's
/// uid and counted.
/// </summary>
public abstract partial class CalendarEventHandler(
    IBookingStore store,
    IUserRepository users,
    ICredentialRepository credentials,
    CalendarProviders providers,
    IOptions<OutboxOptions> options,
    ILogger logger
) : IOutboxItemHandler
{
    public abstract OutboxKind Kind { get; }

    public IReadOnlyList<TimeSpan> RetryDelays => options.Value.EffectiveRetryDelays;

    public async Task<OutboxAttempt> PerformAsync(OutboxItem item, CancellationToken cancellationToken)
    {
        var uid = BookingSideEffects.BookingUidOf(item);
        if (await store.FindAsync(uid, cancellationToken) is not { } booking)
        {
            return OutboxAttempt.Done("booking gone");
        }

        if (
            booking.DestinationCredentialId is not { } credentialId
            || await credentials.FindForUserAsync(booking.HostUserId, credentialId, cancellationToken) is not { } credential
            || providers.For(credential.Type) is not IWritableCalendarProvider provider
        )
        {
            return Failed(booking, "the destination calendar's credential is disconnected");
        }

        var attempt = await PerformAsync(booking, credential, provider, cancellationToken);
        if (attempt.Outcome == OutboxOutcome.Failed)
        {
            LogFailed(logger, Kind, booking.Uid, attempt.Result);
            CalMetrics.CalendarWriteFailures.Count("kind", Kind.ToString());
        }

        return attempt;
    }

    protected abstract Task<OutboxAttempt> PerformAsync(
        Booking booking,
        Credential credential,
        IWritableCalendarProvider provider,
        CancellationToken cancellationToken
    );

    protected IBookingStore Store => store;

    protected IUserRepository Users => users;

    /// <summary>A failure as the outbox records it: retried unless the server refused for good.</summary>
    protected static OutboxAttempt From(FeedFailure failure) =>
        new(IsPermanent(failure) ? OutboxOutcome.Failed : OutboxOutcome.Retry, FeedFailure.WireName(failure.Reason), failure.HttpStatus);

    private static bool IsPermanent(FeedFailure failure) =>
        failure.Reason switch
        {
            FeedFailureReason.Unauthorized or FeedFailureReason.BlockedAddress or FeedFailureReason.NotCalDav => true,
            FeedFailureReason.HttpStatus => failure.HttpStatus is >= 400 and < 500 and not (408 or 423 or 425 or 429),
            _ => false,
        };

    private OutboxAttempt Failed(Booking booking, string reason)
    {
        LogFailed(logger, Kind, booking.Uid, reason);
        CalMetrics.CalendarWriteFailures.Count("kind", Kind.ToString());
        return new OutboxAttempt(OutboxOutcome.Failed, reason);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Calendar {Kind} for booking {BookingUid} failed for good: {Reason}")]
    private static partial void LogFailed(ILogger logger, OutboxKind kind, string bookingUid, string reason);
}

/// <summary>Writes the booking's event (skipped when it was cancelled before it could be written: nothing to show).</summary>
public sealed class CalendarPutHandler(
    IBookingStore store,
    IUserRepository users,
    ICredentialRepository credentials,
    CalendarProviders providers,
    IBookingEventWriter writer,
    TimeProvider time,
    IOptions<OutboxOptions> options,
    ILogger<CalendarPutHandler> logger
) : CalendarEventHandler(store, users, credentials, providers, options, logger)
{
    public override OutboxKind Kind => OutboxKind.CalendarPut;

    protected override async Task<OutboxAttempt> PerformAsync(
        Booking booking,
        Credential credential,
        IWritableCalendarProvider provider,
        CancellationToken cancellationToken
    )
    {
        if (!booking.IsAccepted)
        {
            return OutboxAttempt.Done("cancelled before it was written");
        }

        var host = await Users.FindByIdAsync(booking.HostUserId, cancellationToken);
        if (host is null)
        {
            return OutboxAttempt.Done("host gone");
        }

        var written = await provider.WriteEventAsync(
            credential,
            booking.DestinationCalendarUrl!,
            booking.IcsUid,
            writer.Render(booking, host, time.GetUtcNow()),
            cancellationToken
        );
        if (written.Value is not { } done)
        {
            return From(written.Failure!);
        }

        await Store.EventWrittenAsync(booking.Uid, done.Href, done.ETag, cancellationToken);
        return OutboxAttempt.Done("written", 201);
    }
}

/// <summary>Deletes the booking's event (with its ETag when the write told it; gone or changed since counts as done).</summary>
public sealed class CalendarDeleteHandler(
    IBookingStore store,
    IUserRepository users,
    ICredentialRepository credentials,
    CalendarProviders providers,
    IOptions<OutboxOptions> options,
    ILogger<CalendarDeleteHandler> logger
) : CalendarEventHandler(store, users, credentials, providers, options, logger)
{
    public override OutboxKind Kind => OutboxKind.CalendarDelete;

    protected override async Task<OutboxAttempt> PerformAsync(
        Booking booking,
        Credential credential,
        IWritableCalendarProvider provider,
        CancellationToken cancellationToken
    )
    {
        var href =
            booking.CalendarEventHref
            ?? new Uri(new Uri(booking.DestinationCalendarUrl!), Uri.EscapeDataString(booking.IcsUid) + ".ics").AbsoluteUri;
        var deleted = await provider.DeleteEventAsync(
            credential,
            booking.DestinationCalendarUrl!,
            href,
            booking.CalendarEventETag,
            cancellationToken
        );
        return deleted.Value is not null ? OutboxAttempt.Done("deleted", 204) : From(deleted.Failure!);
    }
}

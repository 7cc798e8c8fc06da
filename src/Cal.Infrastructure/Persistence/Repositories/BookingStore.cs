using Cal.Application.Bookings.Common;
using Cal.Domain.Bookings;
using Cal.Domain.Outbox;
using Cal.Infrastructure.Persistence.Configurations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Cal.Infrastructure.Persistence.Repositories;

/// <summary>
/// Bookings and reservations in the transactions that keep a host from being double-booked. Each write that could
/// overlap another takes the host's lock first, inside its transaction, so concurrent writers for one host go one at a
/// time: SQLite has one writer (its transactions begin <c>IMMEDIATE</c>), PostgreSQL a per-host advisory transaction lock
/// (<c>pg_advisory_xact_lock</c>), SQL Server an application lock owned by the transaction (<c>sp_getapplock</c>). Only
/// then are overlaps and reservations read, and the insert made, so two writers can never both see a free slot.
/// </summary>
internal sealed class BookingStore(CalDbContext db, SqliteWriteGate gate) : IBookingStore, ISlotReservationStore
{
    /// <summary>The first key of the advisory locks bookings take in PostgreSQL (the second is the host's id).</summary>
    private const int HostLockSpace = 0x0CA1_B00C;

    private static readonly TimeSpan IdempotencyLifetime = TimeSpan.FromHours(24);

    /// <summary>A claim older than this whose request never finished (its process died) may be taken over.</summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    public async Task<BookingInsertResult> InsertAcceptedAsync(
        Booking booking,
        IReadOnlyList<OutboxItem> sideEffects,
        string? reservationUid,
        Booking? replacing,
        string? idempotencyKey,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        await using var transaction = await BeginForHostAsync(booking.HostUserId, cancellationToken);
        if (await RefusalAsync(booking, reservationUid, replacing, now, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (replacing is not null && !await CancelReplacedAsync(replacing, cancellationToken))
        {
            return new BookingInsertResult(BookingInsert.NoLongerAccepted);
        }

        if (reservationUid is not null)
        {
            await db.SlotReservations.Where(r => r.Uid == reservationUid).ExecuteDeleteAsync(cancellationToken); // the booking consumes it
        }

        if (idempotencyKey is not null)
        {
            booking.RememberIdempotency(
                idempotencyKey,
                (await db.IdempotencyKeys.AsNoTracking().SingleAsync(k => k.Key == idempotencyKey, cancellationToken)).BodyHash
            );
            await db
                .IdempotencyKeys.Where(k => k.Key == idempotencyKey)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.BookingUid, booking.Uid), cancellationToken);
        }

        db.Bookings.Add(booking);
        db.Outbox.AddRange(sideEffects);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            Detach(booking, sideEffects);
        }

        return new BookingInsertResult(BookingInsert.Inserted);
    }

    /// <summary>Under the host's lock: another accepted booking over the time (the one replaced aside), or another's reservation.</summary>
    private async Task<BookingInsertResult?> RefusalAsync(
        Booking booking,
        string? reservationUid,
        Booking? replacing,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var overlaps = await db
            .Bookings.AsNoTracking()
            .Where(b =>
                b.HostUserId == booking.HostUserId
                && b.Status == BookingStatus.Accepted
                && b.BlockStart < booking.BlockEnd
                && b.BlockEnd > booking.BlockStart
            )
            .Select(b => b.Uid)
            .ToListAsync(cancellationToken);
        if (overlaps.Any(uid => uid != replacing?.Uid))
        {
            return new BookingInsertResult(BookingInsert.Overlaps);
        }

        var reserved = await db
            .SlotReservations.AsNoTracking()
            .Where(r =>
                r.HostUserId == booking.HostUserId && r.ReservedUntil > now && r.SlotStart < booking.End && r.SlotEnd > booking.Start
            )
            .Select(r => new { r.Uid, r.ReservedUntil })
            .ToListAsync(cancellationToken);
        return reserved.FirstOrDefault(r => r.Uid != reservationUid) is { } other
            ? new BookingInsertResult(BookingInsert.Reserved, other.ReservedUntil)
            : null;
    }

    /// <summary>The booking a reschedule replaces, cancelled and pointing to the new one; false if it is no longer accepted.</summary>
    private async Task<bool> CancelReplacedAsync(Booking replacing, CancellationToken cancellationToken) =>
        await db
            .Bookings.Where(b => b.Uid == replacing.Uid && b.Status == BookingStatus.Accepted)
            .ExecuteUpdateAsync(
                s =>
                    s.SetProperty(b => b.Status, BookingStatus.Cancelled)
                        .SetProperty(b => b.RescheduledToUid, replacing.RescheduledToUid)
                        .SetProperty(b => b.ReschedulingReason, replacing.ReschedulingReason)
                        .SetProperty(b => b.CancellationReason, replacing.CancellationReason)
                        .SetProperty(b => b.CancelledByEmail, replacing.CancelledByEmail)
                        .SetProperty(b => b.UpdatedAt, replacing.UpdatedAt),
                cancellationToken
            ) > 0;

    public async Task<bool> CancelAsync(Booking booking, IReadOnlyList<OutboxItem> sideEffects, CancellationToken cancellationToken)
    {
        await using var transaction = await gate.BeginTransactionAsync(db, cancellationToken);
        var cancelled = await db
            .Bookings.Where(b => b.Uid == booking.Uid && b.Status == BookingStatus.Accepted)
            .ExecuteUpdateAsync(
                s =>
                    s.SetProperty(b => b.Status, BookingStatus.Cancelled)
                        .SetProperty(b => b.CancellationReason, booking.CancellationReason)
                        .SetProperty(b => b.CancelledByEmail, booking.CancelledByEmail)
                        .SetProperty(b => b.UpdatedAt, booking.UpdatedAt),
                cancellationToken
            );
        if (cancelled == 0)
        {
            return false;
        }

        db.Outbox.AddRange(sideEffects);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            Detach(null, sideEffects);
        }

        return true;
    }

    public async Task<int?> IdOfAsync(string uid, CancellationToken cancellationToken) =>
        await db.Bookings.Where(b => b.Uid == uid).Select(b => (int?)b.Id).SingleOrDefaultAsync(cancellationToken);

    public Task<Booking?> FindAsync(string uid, CancellationToken cancellationToken) =>
        db.Bookings.AsNoTracking().SingleOrDefaultAsync(b => b.Uid == uid, cancellationToken);

    public async Task<(IReadOnlyList<Booking> Page, int Total)> ListAsync(BookingFilter filter, CancellationToken cancellationToken)
    {
        var query = db.Bookings.AsNoTracking().Where(b => b.HostUserId == filter.HostUserId);
        if (!(filter.Upcoming && filter.Past && filter.Cancelled))
        {
            var now = filter.Now;
            query = query.Where(b =>
                (filter.Upcoming && b.Status == BookingStatus.Accepted && b.End >= now)
                || (filter.Past && b.Status == BookingStatus.Accepted && b.End < now)
                || (filter.Cancelled && b.Status == BookingStatus.Cancelled)
            );
        }

        if (filter.AttendeeEmail is { } email)
        {
            query = query.Where(b => b.AttendeeEmail == email);
        }

        if (filter.EventTypeId is { } eventTypeId)
        {
            query = query.Where(b => b.EventTypeId == eventTypeId);
        }

        if (filter.AfterStart is { } after)
        {
            query = query.Where(b => b.Start >= after);
        }

        if (filter.BeforeEnd is { } before)
        {
            query = query.Where(b => b.End <= before);
        }

        var total = await query.CountAsync(cancellationToken);
        var ordered = filter.Descending
            ? query.OrderByDescending(b => b.Start).ThenByDescending(b => b.Id)
            : query.OrderBy(b => b.Start).ThenBy(b => b.Id);
        return (await ordered.Skip(filter.Skip).Take(filter.Take).ToListAsync(cancellationToken), total);
    }

    public async Task<IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)>> AcceptedBlocksAsync(
        int hostUserId,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken
    ) =>
        (
            await db
                .Bookings.AsNoTracking()
                .Where(b => b.HostUserId == hostUserId && b.Status == BookingStatus.Accepted && b.BlockStart < to && b.BlockEnd > from)
                .Select(b => new { b.BlockStart, b.BlockEnd })
                .ToListAsync(cancellationToken)
        )
            .Select(b => (b.BlockStart, b.BlockEnd))
            .ToList();

    public async Task<IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)>> PendingEventDeletesAsync(
        int hostUserId,
        DateTimeOffset from,
        DateTimeOffset to,
        CancellationToken cancellationToken
    )
    {
        var cancelled = await db
            .Bookings.AsNoTracking()
            .Where(b =>
                b.HostUserId == hostUserId
                && b.Status == BookingStatus.Cancelled
                && b.DestinationCredentialId != null
                && b.Start < to
                && b.End > from
            )
            .Select(b => new
            {
                b.RootUid,
                b.Start,
                b.End,
            })
            .ToListAsync(cancellationToken);
        if (cancelled.Count == 0)
        {
            return [];
        }

        // Those whose calendar history still has a delete to do.
        var keys = cancelled.Select(c => "calendar:" + c.RootUid).Distinct().ToList();
        var pending = (
            await db
                .Outbox.AsNoTracking()
                .Where(o => keys.Contains(o.OrderKey) && o.Kind == OutboxKind.CalendarDelete && o.CompletedAt == null && o.FailedAt == null)
                .Select(o => o.OrderKey)
                .ToListAsync(cancellationToken)
        ).ToHashSet(StringComparer.Ordinal);
        return cancelled.Where(c => pending.Contains("calendar:" + c.RootUid)).Select(c => (c.Start, c.End)).ToList();
    }

    public Task EventWrittenAsync(string uid, string href, string? etag, CancellationToken cancellationToken) =>
        db
            .Bookings.Where(b => b.Uid == uid)
            .ExecuteUpdateAsync(
                s => s.SetProperty(b => b.CalendarEventHref, href).SetProperty(b => b.CalendarEventETag, etag),
                cancellationToken
            );

    public async Task<(IdempotencyClaim Claim, string? BookingUid)> ClaimAsync(
        string key,
        string bodyHash,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var record = new IdempotencyRecord
            {
                Key = key,
                BodyHash = bodyHash,
                CreatedAt = now,
            };
            db.IdempotencyKeys.Add(record);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return (IdempotencyClaim.Claimed, null);
            }
            catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
            {
                // Another request holds the key: what does it stand for?
            }
            finally
            {
                db.Entry(record).State = EntityState.Detached;
            }

            var existing = await db.IdempotencyKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Key == key, cancellationToken);
            if (existing is null)
            {
                continue; // released meanwhile: claim it again
            }

            var expired = existing.CreatedAt + IdempotencyLifetime < now;
            var abandoned = existing.BookingUid is null && existing.CreatedAt + AbandonedAfter < now;
            if (expired || abandoned)
            {
                await db
                    .IdempotencyKeys.Where(k => k.Key == key && k.CreatedAt == existing.CreatedAt)
                    .ExecuteDeleteAsync(cancellationToken);
                continue;
            }

            return existing.BodyHash != bodyHash ? (IdempotencyClaim.OtherBody, null)
                : existing.BookingUid is null ? (IdempotencyClaim.InFlight, null)
                : (IdempotencyClaim.Done, existing.BookingUid);
        }

        return (IdempotencyClaim.InFlight, null);
    }

    public Task ReleaseAsync(string key, CancellationToken cancellationToken) =>
        db.IdempotencyKeys.Where(k => k.Key == key && k.BookingUid == null).ExecuteDeleteAsync(cancellationToken);

    public async Task<ReservationOutcome> SaveAsync(
        SlotReservation reservation,
        bool isNew,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        await using var transaction = await BeginForHostAsync(reservation.HostUserId, cancellationToken);
        if (await ReservationRefusalAsync(reservation, now, cancellationToken) is { } refused)
        {
            return refused;
        }

        if (isNew)
        {
            db.SlotReservations.Add(reservation);
        }
        else
        {
            db.SlotReservations.Update(reservation);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            db.Entry(reservation).State = EntityState.Detached;
        }

        return ReservationOutcome.Saved;
    }

    /// <summary>Under the host's lock: an accepted booking over the slot, or another unexpired reservation of it.</summary>
    private async Task<ReservationOutcome?> ReservationRefusalAsync(
        SlotReservation reservation,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var (host, uid, blockStart, blockEnd) = (reservation.HostUserId, reservation.Uid, reservation.SlotStart, reservation.SlotEnd);
        if (
            await db.Bookings.AnyAsync(
                b => b.HostUserId == host && b.Status == BookingStatus.Accepted && b.BlockStart < blockEnd && b.BlockEnd > blockStart,
                cancellationToken
            )
        )
        {
            return ReservationOutcome.Booked;
        }

        var taken = await db.SlotReservations.AnyAsync(
            r => r.HostUserId == host && r.Uid != uid && r.ReservedUntil > now && r.SlotStart < blockEnd && r.SlotEnd > blockStart,
            cancellationToken
        );
        return taken ? ReservationOutcome.ReservedByAnother : null;
    }

    Task<SlotReservation?> ISlotReservationStore.FindAsync(string uid, CancellationToken cancellationToken) =>
        db.SlotReservations.AsNoTracking().SingleOrDefaultAsync(r => r.Uid == uid, cancellationToken);

    public async Task<bool> DeleteAsync(string uid, CancellationToken cancellationToken) =>
        await db.SlotReservations.Where(r => r.Uid == uid).ExecuteDeleteAsync(cancellationToken) > 0;

    public async Task<IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)>> ActiveAsync(
        int hostUserId,
        DateTimeOffset from,
        DateTimeOffset to,
        DateTimeOffset now,
        string? exceptUid,
        CancellationToken cancellationToken
    ) =>
        (
            await db
                .SlotReservations.AsNoTracking()
                .Where(r =>
                    r.HostUserId == hostUserId && r.ReservedUntil > now && r.SlotStart < to && r.SlotEnd > from && r.Uid != exceptUid
                )
                .Select(r => new { r.SlotStart, r.SlotEnd })
                .ToListAsync(cancellationToken)
        )
            .Select(r => (r.SlotStart, r.SlotEnd))
            .ToList();

    public Task<int> DeleteExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        gate.WriteAsync(
            db,
            () => db.SlotReservations.Where(r => r.ReservedUntil < before).ExecuteDeleteAsync(cancellationToken),
            cancellationToken
        );

    /// <summary>Idempotency keys past their 24 hours, deleted.</summary>
    public Task<int> DeleteExpiredKeysAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var before = now - IdempotencyLifetime;
        return gate.WriteAsync(
            db,
            () => db.IdempotencyKeys.Where(k => k.CreatedAt < before).ExecuteDeleteAsync(cancellationToken),
            cancellationToken
        );
    }

    /// <summary>A transaction holding the host's lock (see the class summary), so the checks that follow cannot race another writer for the
    /// host.</summary>
    private async Task<IDbContextTransaction> BeginForHostAsync(int hostUserId, CancellationToken cancellationToken)
    {
        var transaction = await gate.BeginTransactionAsync(db, cancellationToken);
        try
        {
            if (db.Database.IsNpgsql())
            {
                await db.Database.ExecuteSqlInterpolatedAsync(
                    $"SELECT pg_advisory_xact_lock({HostLockSpace}, {hostUserId})",
                    cancellationToken
                );
            }
            else if (db.Database.IsSqlServer())
            {
                var resource = "cal:host:" + hostUserId.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await db.Database.ExecuteSqlInterpolatedAsync(
                    $"EXEC sp_getapplock @Resource = {resource}, @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 30000",
                    cancellationToken
                );
            }

            // SQLite: the transaction began IMMEDIATE, holding the database's one write lock until it ends (entered
            // through the process's write gate, so concurrent bookings queue without sleeping).
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    private void Detach(Booking? booking, IReadOnlyList<OutboxItem> items)
    {
        if (booking is not null)
        {
            db.Entry(booking).State = EntityState.Detached;
        }

        foreach (var item in items)
        {
            db.Entry(item).State = EntityState.Detached;
        }
    }
}

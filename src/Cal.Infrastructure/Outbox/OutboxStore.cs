using Cal.Domain.Outbox;
using Cal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Cal.Infrastructure.Outbox;

/// <summary>
/// The outbox table as the worker uses it. A claim is a conditional update (the item is pending, due, and no lease on it
/// is still running), so however many workers ask at once, each item is claimed by one of them; an item is claimable only
/// once every earlier item of its order key is done (or failed), so one booking's side effects happen in order.
/// </summary>
internal sealed class OutboxStore(CalDbContext db, SqliteWriteGate gate)
{
    /// <summary>Claims up to <paramref name="max"/> due items for <paramref name="owner"/> until <c>now + lease</c>.</summary>
    public async Task<IReadOnlyList<OutboxItem>> ClaimAsync(
        string owner,
        DateTimeOffset now,
        TimeSpan lease,
        int max,
        CancellationToken cancellationToken
    )
    {
        var candidates = await db
            .Outbox.AsNoTracking()
            .Where(o =>
                o.CompletedAt == null
                && o.FailedAt == null
                && o.NextAttemptAt <= now
                && (o.LeaseUntil == null || o.LeaseUntil < now)
                && !db.Outbox.Any(p => p.OrderKey == o.OrderKey && p.Id < o.Id && p.CompletedAt == null && p.FailedAt == null)
            )
            .OrderBy(o => o.NextAttemptAt)
            .ThenBy(o => o.Id)
            .Select(o => o.Id)
            .Take(max)
            .ToListAsync(cancellationToken);
        if (candidates.Count == 0)
        {
            return [];
        }

        // One conditional update for them all: a row another worker leased meanwhile no longer matches (PostgreSQL and
        // SQL Server re-check the condition on the row they lock), so what this worker holds is what carries its lease.
        // Whole milliseconds: PostgreSQL keeps microseconds and SQL Server 100 ns, so the value read back for the match
        // below must be one every provider stores exactly.
        var until = now + lease;
        until = until.AddTicks(-(until.Ticks % TimeSpan.TicksPerMillisecond));
        var taken = await gate.WriteAsync(
            db,
            () =>
                db
                    .Outbox.Where(o =>
                        candidates.Contains(o.Id)
                        && o.CompletedAt == null
                        && o.FailedAt == null
                        && (o.LeaseUntil == null || o.LeaseUntil < now)
                    )
                    .ExecuteUpdateAsync(
                        s => s.SetProperty(o => o.LeaseOwner, owner).SetProperty(o => o.LeaseUntil, until),
                        cancellationToken
                    ),
            cancellationToken
        );
        return taken == 0
            ? []
            : await db
                .Outbox.AsNoTracking()
                .Where(o => candidates.Contains(o.Id) && o.LeaseOwner == owner && o.LeaseUntil == until)
                .OrderBy(o => o.Id)
                .ToListAsync(cancellationToken);
    }

    /// <summary>What one attempt came to, as <see cref="RecordAllAsync"/> writes it.</summary>
    public sealed record Attempt(int Id, bool Done, DateTimeOffset? RetryAt, string Result, int? Status, DateTimeOffset At);

    /// <summary>
    /// Records several attempts in one transaction (one batch of updates, one commit), each only if this worker still
    /// holds its item's lease (the lease owner is the update's concurrency token).
    /// </summary>
    public async Task RecordAllAsync(string owner, IReadOnlyList<Attempt> attempts, CancellationToken cancellationToken)
    {
        var ids = attempts.Select(a => a.Id).ToList();
        await using var transaction = await gate.BeginTransactionAsync(db, cancellationToken);
        var items = await db.Outbox.Where(o => ids.Contains(o.Id) && o.LeaseOwner == owner).ToListAsync(cancellationToken);
        var byId = attempts.ToDictionary(a => a.Id);
        foreach (var item in items)
        {
            var a = byId[item.Id];
            item.Record(a.Done, a.RetryAt, a.Result, a.Status, a.At);
        }

        try
        {
            for (var round = 0; ; round++)
            {
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    break;
                }
                catch (DbUpdateConcurrencyException ex) when (round < 3)
                {
                    foreach (var entry in ex.Entries)
                    {
                        entry.State = EntityState.Detached; // taken by another worker meanwhile: its record stands
                    }
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Lets go of this worker's leases (it is stopping): its items may be claimed again at once.</summary>
    public Task<int> ReleaseAsync(string owner, CancellationToken cancellationToken) =>
        gate.WriteAsync(
            db,
            () =>
                db
                    .Outbox.Where(o => o.LeaseOwner == owner && o.CompletedAt == null && o.FailedAt == null)
                    .ExecuteUpdateAsync(
                        s => s.SetProperty(o => o.LeaseOwner, (string?)null).SetProperty(o => o.LeaseUntil, (DateTimeOffset?)null),
                        cancellationToken
                    ),
            cancellationToken
        );

    /// <summary>Done or failed items finished before <paramref name="before"/>, deleted: at most <paramref name="max"/>, oldest
    /// first.</summary>
    public Task<int> DeleteFinishedAsync(DateTimeOffset before, int max, CancellationToken cancellationToken) =>
        gate.WriteAsync(
            db,
            () =>
                db
                    .Outbox.Where(o => (o.CompletedAt != null && o.CompletedAt < before) || (o.FailedAt != null && o.FailedAt < before))
                    .OrderBy(o => o.Id)
                    .Take(max)
                    .ExecuteDeleteAsync(cancellationToken),
            cancellationToken
        );

    /// <summary>When the next pending item falls due (null: none).</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken) =>
        await db
            .Outbox.AsNoTracking()
            .Where(o => o.CompletedAt == null && o.FailedAt == null)
            .OrderBy(o => o.NextAttemptAt)
            .Select(o => (DateTimeOffset?)o.NextAttemptAt)
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>The oldest pending item's age at <paramref name="now"/> (the outbox's lag), or zero.</summary>
    public async Task<TimeSpan> LagAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        await db
            .Outbox.AsNoTracking()
            .Where(o => o.CompletedAt == null && o.FailedAt == null)
            .OrderBy(o => o.Id)
            .Select(o => (DateTimeOffset?)o.CreatedAt)
            .FirstOrDefaultAsync(cancellationToken)
            is { } oldest
            ? now - oldest
            : TimeSpan.Zero;
}

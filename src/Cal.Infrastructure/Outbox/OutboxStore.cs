using Cal.Domain.Outbox;
using Cal.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Cal.Infrastructure.Outbox;

/// <summary>
/// The outbox table as the worker uses it. A claim is a conditional update (the item is pending, due, and no lease on it
/// is still running), so however many workers ask at once, each item is claimed by one of them; an item is claimable only
/// once every earlier item of its order key is done (or failed), so one booking's side effects happen in order.
/// </summary>
internal sealed class OutboxStore(CalDbContext db)
{
    /// <summary>Claims up to <paramref name="max"/> due items for <paramref name="owner"/> until <c>now + lease</c>.</summary>
    public async Task<IReadOnlyList<OutboxItem>> ClaimAsync(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken cancellationToken)
    {
        var candidates = await db.Outbox.AsNoTracking()
            .Where(o => o.CompletedAt == null && o.FailedAt == null && o.NextAttemptAt <= now && (o.LeaseUntil == null || o.LeaseUntil < now)
                && !db.Outbox.Any(p => p.OrderKey == o.OrderKey && p.Id < o.Id && p.CompletedAt == null && p.FailedAt == null))
            .OrderBy(o => o.NextAttemptAt).ThenBy(o => o.Id)
            .Select(o => o.Id)
            .Take(max)
            .ToListAsync(cancellationToken);
        var until = now + lease;
        var claimed = new List<int>();
        foreach (var id in candidates)
        {
            var taken = await db.Outbox
                .Where(o => o.Id == id && o.CompletedAt == null && o.FailedAt == null && (o.LeaseUntil == null || o.LeaseUntil < now))
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.LeaseOwner, owner).SetProperty(o => o.LeaseUntil, until), cancellationToken);
            if (taken == 1)
            {
                claimed.Add(id);
            }
        }

        return claimed.Count == 0 ? [] : await db.Outbox.AsNoTracking().Where(o => claimed.Contains(o.Id)).OrderBy(o => o.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Records an attempt: done, due again at <paramref name="retryAt"/>, or failed for good (<paramref name="retryAt"/> null and not done).</summary>
    public Task RecordAsync(int id, string owner, bool done, DateTimeOffset? retryAt, string result, int? status, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.Outbox.Where(o => o.Id == id && o.LeaseOwner == owner)
            .ExecuteUpdateAsync(
                s => s.SetProperty(o => o.Attempts, o => o.Attempts + 1)
                    .SetProperty(o => o.LastAttemptAt, now)
                    .SetProperty(o => o.LastResult, result.Length > 256 ? result[..256] : result)
                    .SetProperty(o => o.LastStatus, status)
                    .SetProperty(o => o.LeaseOwner, (string?)null)
                    .SetProperty(o => o.LeaseUntil, (DateTimeOffset?)null)
                    .SetProperty(o => o.CompletedAt, done ? now : null)
                    .SetProperty(o => o.FailedAt, !done && retryAt is null ? now : null)
                    .SetProperty(o => o.NextAttemptAt, o => retryAt ?? o.NextAttemptAt),
                cancellationToken);

    /// <summary>Lets go of this worker's leases (it is stopping): its items may be claimed again at once.</summary>
    public Task ReleaseAsync(string owner, CancellationToken cancellationToken) =>
        db.Outbox.Where(o => o.LeaseOwner == owner && o.CompletedAt == null && o.FailedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.LeaseOwner, (string?)null).SetProperty(o => o.LeaseUntil, (DateTimeOffset?)null), cancellationToken);

    /// <summary>When the next pending item falls due (null: none).</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken) =>
        await db.Outbox.AsNoTracking().Where(o => o.CompletedAt == null && o.FailedAt == null).OrderBy(o => o.NextAttemptAt).Select(o => (DateTimeOffset?)o.NextAttemptAt).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The oldest pending item's age at <paramref name="now"/> (the outbox's lag), or zero.</summary>
    public async Task<TimeSpan> LagAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.Outbox.AsNoTracking().Where(o => o.CompletedAt == null && o.FailedAt == null).OrderBy(o => o.Id).Select(o => (DateTimeOffset?)o.CreatedAt).FirstOrDefaultAsync(cancellationToken) is { } oldest
            ? now - oldest
            : TimeSpan.Zero;
}

using Cal.Application.Webhooks.Common;
using Cal.Domain.Outbox;
using Cal.Domain.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Cal.Infrastructure.Persistence.Repositories;

/// <summary>Webhooks (one per URL per scope: a unique key), and their deliveries in the outbox.</summary>
internal sealed class WebhookStore(CalDbContext db, SqliteWriteGate gate) : IWebhookStore
{
    public async Task<bool> AddAsync(Webhook webhook, CancellationToken cancellationToken)
    {
        db.Webhooks.Add(webhook);
        return await SaveAsync(webhook, cancellationToken);
    }

    public Task<Webhook?> FindAsync(string uid, CancellationToken cancellationToken) =>
        db.Webhooks.AsNoTracking().SingleOrDefaultAsync(w => w.Uid == uid, cancellationToken);

    public async Task<IReadOnlyList<Webhook>> ListAsync(
        int ownerUserId,
        int? eventTypeId,
        int skip,
        int take,
        CancellationToken cancellationToken
    ) =>
        await db
            .Webhooks.AsNoTracking()
            .Where(w => w.OwnerUserId == ownerUserId && w.EventTypeId == eventTypeId)
            .OrderBy(w => w.Id)
            .Skip(skip)
            .Take(take)
            .ToListAsync(cancellationToken);

    public async Task<bool> UpdateAsync(Webhook webhook, CancellationToken cancellationToken)
    {
        db.Webhooks.Update(webhook);
        return await SaveAsync(webhook, cancellationToken);
    }

    public async Task DeleteAsync(Webhook webhook, CancellationToken cancellationToken) =>
        await db.Webhooks.Where(w => w.Id == webhook.Id).ExecuteDeleteAsync(cancellationToken);

    public Task<int> DeleteForEventTypeAsync(int eventTypeId, CancellationToken cancellationToken) =>
        db.Webhooks.Where(w => w.EventTypeId == eventTypeId).ExecuteDeleteAsync(cancellationToken);

    public async Task<IReadOnlyList<Webhook>> FiringAsync(int hostUserId, int eventTypeId, CancellationToken cancellationToken) =>
        await db
            .Webhooks.AsNoTracking()
            .Where(w => w.Active && ((w.OwnerUserId == hostUserId && w.EventTypeId == null) || w.EventTypeId == eventTypeId))
            .OrderBy(w => w.Id)
            .ToListAsync(cancellationToken);

    public Task<bool> RecordOutcomeAsync(
        string uid,
        bool delivered,
        DateTimeOffset now,
        DateTimeOffset switchOffIfFailingSince,
        CancellationToken cancellationToken
    ) =>
        gate.WriteAsync(
            db,
            () => RecordOutcomeCoreAsync(uid, delivered, now, switchOffIfFailingSince, cancellationToken),
            cancellationToken
        );

    private async Task<bool> RecordOutcomeCoreAsync(
        string uid,
        bool delivered,
        DateTimeOffset now,
        DateTimeOffset switchOffIfFailingSince,
        CancellationToken cancellationToken
    )
    {
        if (delivered)
        {
            await db
                .Webhooks.Where(w => w.Uid == uid && w.FailingSince != null)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.FailingSince, (DateTimeOffset?)null), cancellationToken);
            return false;
        }

        await db
            .Webhooks.Where(w => w.Uid == uid && w.FailingSince == null)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.FailingSince, now), cancellationToken);
        return await db
                .Webhooks.Where(w => w.Uid == uid && w.Active && w.FailingSince <= switchOffIfFailingSince)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.Active, false), cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<OutboxItem>> DeliveriesAsync(string uid, int take, CancellationToken cancellationToken) =>
        await db
            .Outbox.AsNoTracking()
            .Where(o => o.WebhookId == uid)
            .OrderByDescending(o => o.Id)
            .Take(take)
            .ToListAsync(cancellationToken);

    public async Task<OutboxItem?> RedeliverAsync(string uid, string deliveryId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Finished: a fresh set of attempts, due now. Pending: due now (an attempt under way finishes first).
        var changed = await db
            .Outbox.Where(o => o.WebhookId == uid && o.DeliveryId == deliveryId && (o.CompletedAt != null || o.FailedAt != null))
            .ExecuteUpdateAsync(
                s =>
                    s.SetProperty(o => o.CompletedAt, (DateTimeOffset?)null)
                        .SetProperty(o => o.FailedAt, (DateTimeOffset?)null)
                        .SetProperty(o => o.Attempts, 0)
                        .SetProperty(o => o.NextAttemptAt, now),
                cancellationToken
            );
        if (changed == 0)
        {
            await db
                .Outbox.Where(o =>
                    o.WebhookId == uid && o.DeliveryId == deliveryId && o.CompletedAt == null && o.FailedAt == null && o.NextAttemptAt > now
                )
                .ExecuteUpdateAsync(s => s.SetProperty(o => o.NextAttemptAt, now), cancellationToken);
        }

        return await db
            .Outbox.AsNoTracking()
            .SingleOrDefaultAsync(o => o.WebhookId == uid && o.DeliveryId == deliveryId, cancellationToken);
    }

    private Task<bool> SaveAsync(Webhook webhook, CancellationToken cancellationToken) =>
        DatabaseErrors.TrySaveUniqueAsync(db, webhook, cancellationToken);
}

using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.EventTypes;
using Microsoft.EntityFrameworkCore;

namespace Cal.Infrastructure.Persistence.Repositories;

internal sealed class EventTypeRepository(CalDbContext db) : IEventTypeRepository
{
    public async Task<IReadOnlyList<EventType>> ListAsync(int userId, CancellationToken cancellationToken) =>
        await db.EventTypes.AsNoTracking().Where(e => e.UserId == userId).OrderBy(e => e.Id).ToListAsync(cancellationToken);

    public Task<EventType?> FindAsync(int id, CancellationToken cancellationToken) =>
        db.EventTypes.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);

    public Task<EventType?> FindBySlugAsync(int userId, string slug, CancellationToken cancellationToken) =>
        db.EventTypes.AsNoTracking().SingleOrDefaultAsync(e => e.UserId == userId && e.Slug == slug, cancellationToken);

    public Task AddAsync(EventType eventType, CancellationToken cancellationToken)
    {
        db.EventTypes.Add(eventType);
        return SaveAsync(eventType, cancellationToken);
    }

    public Task UpdateAsync(EventType eventType, CancellationToken cancellationToken)
    {
        db.EventTypes.Update(eventType);
        return SaveAsync(eventType, cancellationToken);
    }

    /// <summary>Deletes it with its webhooks; one with bookings stays (its bookings name it): <c>409</c>.</summary>
    public async Task DeleteAsync(int id, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.Bookings.AnyAsync(b => b.EventTypeId == id, cancellationToken))
        {
            throw new ConflictException($"Event type with id {id} has bookings and cannot be deleted.");
        }

        await db.Webhooks.Where(w => w.EventTypeId == id).ExecuteDeleteAsync(cancellationToken);
        await db.EventTypes.Where(e => e.Id == id).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task SaveAsync(EventType eventType, CancellationToken cancellationToken)
    {
        if (!await DatabaseErrors.TrySaveUniqueAsync(db, eventType, cancellationToken))
        {
            throw new ConflictException($"An event type with slug '{eventType.Slug}' already exists for this user.");
        }
    }
}

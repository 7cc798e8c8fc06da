using Cal.Domain.EventTypes;

namespace Cal.Application.Common.Interfaces;

/// <summary>Users' event types; a slug taken by the same owner is a <see cref="Exceptions.ConflictException"/>.</summary>
public interface IEventTypeRepository
{
    Task<IReadOnlyList<EventType>> ListAsync(int userId, CancellationToken cancellationToken);

    Task<EventType?> FindAsync(int id, CancellationToken cancellationToken);

    Task<EventType?> FindBySlugAsync(int userId, string slug, CancellationToken cancellationToken);

    Task AddAsync(EventType eventType, CancellationToken cancellationToken);

    Task UpdateAsync(EventType eventType, CancellationToken cancellationToken);

    Task DeleteAsync(int id, CancellationToken cancellationToken);
}

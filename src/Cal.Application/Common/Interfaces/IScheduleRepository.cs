using Cal.Domain.Schedules;

namespace Cal.Application.Common.Interfaces;

/// <summary>Users' schedules. Making one the default unsets the user's other default and records it on the user, in one
/// transaction.</summary>
public interface IScheduleRepository
{
    Task<IReadOnlyList<Schedule>> ListAsync(int userId, CancellationToken cancellationToken);

    Task<Schedule?> FindAsync(int id, CancellationToken cancellationToken);

    /// <summary>Stores a new schedule; the default when <paramref name="makeDefault"/> or when the user has none.</summary>
    Task AddAsync(Schedule schedule, bool makeDefault, CancellationToken cancellationToken);

    /// <summary>Saves a changed schedule; <paramref name="makeDefault"/> true makes it the default.</summary>
    Task UpdateAsync(Schedule schedule, bool makeDefault, CancellationToken cancellationToken);

    Task DeleteAsync(Schedule schedule, CancellationToken cancellationToken);
}

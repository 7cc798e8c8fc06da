using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Microsoft.EntityFrameworkCore;

namespace Cal.Infrastructure.Persistence.Repositories;

internal sealed class SelectedCalendarRepository(CalDbContext db) : ISelectedCalendarRepository
{
    public async Task<IReadOnlyDictionary<int, IReadOnlySet<string>>> DeselectedAsync(int userId, CancellationToken cancellationToken)
    {
        var rows = await db
            .CalendarDeselections.AsNoTracking()
            .Where(d => d.UserId == userId)
            .Select(d => new { d.CredentialId, d.ExternalIdHash })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.CredentialId)
            .ToDictionary(g => g.Key, g => (IReadOnlySet<string>)g.Select(r => r.ExternalIdHash).ToHashSet(StringComparer.Ordinal));
    }

    public async Task<bool> DeselectAsync(
        int userId,
        int credentialId,
        string integration,
        string externalIdHash,
        CancellationToken cancellationToken
    )
    {
        var row = CalendarDeselection.Of(userId, credentialId, integration, externalIdHash);
        db.CalendarDeselections.Add(row);
        return await DatabaseErrors.TrySaveUniqueAsync(db, row, cancellationToken);
    }

    public Task SelectAsync(int credentialId, string externalIdHash, CancellationToken cancellationToken) =>
        db
            .CalendarDeselections.Where(d => d.CredentialId == credentialId && d.ExternalIdHash == externalIdHash)
            .ExecuteDeleteAsync(cancellationToken);

    public Task ForgetAllButAsync(int credentialId, IReadOnlyCollection<string> keptHashes, CancellationToken cancellationToken) =>
        db
            .CalendarDeselections.Where(d => d.CredentialId == credentialId && !keptHashes.Contains(d.ExternalIdHash))
            .ExecuteDeleteAsync(cancellationToken);
}

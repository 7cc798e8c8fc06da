namespace Cal.Application.Common.Interfaces;

/// <summary>
/// Which calendars a user has deselected (every calendar starts selected, as cal.com's saved ICS feeds and new accounts
/// do), by credential and a hash of the calendar's external id (<see cref="Calendars.Common.CalendarSelection.Hash"/>).
/// </summary>
public interface ISelectedCalendarRepository
{
    /// <summary>The user's deselected calendars' hashes, by credential id.</summary>
    Task<IReadOnlyDictionary<int, IReadOnlySet<string>>> DeselectedAsync(int userId, CancellationToken cancellationToken);

    /// <summary>Deselects one calendar; false when it already was.</summary>
    Task<bool> DeselectAsync(int userId, int credentialId, string integration, string externalIdHash, CancellationToken cancellationToken);

    /// <summary>Selects it again (idempotent).</summary>
    Task SelectAsync(int credentialId, string externalIdHash, CancellationToken cancellationToken);

    /// <summary>Drops the credential's deselections of calendars other than <paramref name="keptHashes"/> (calendars gone from the
    /// server).</summary>
    Task ForgetAllButAsync(int credentialId, IReadOnlyCollection<string> keptHashes, CancellationToken cancellationToken);
}

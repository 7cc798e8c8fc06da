using Cal.Domain.Bookings;

namespace Cal.Application.DestinationCalendars.Common;

/// <summary>Each user's destination calendar (one at most; it goes with its credential).</summary>
public interface IDestinationCalendarStore
{
    Task<DestinationCalendar?> FindAsync(int userId, CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="calendar"/> the user's destination, replacing any other.</summary>
    Task<DestinationCalendar> SetAsync(DestinationCalendar calendar, CancellationToken cancellationToken);

    /// <summary>Clears it when it is a calendar of <paramref name="credentialId"/> not in <paramref name="remaining"/>.</summary>
    Task ClearUnlessAsync(int userId, int credentialId, IReadOnlyCollection<string> remaining, CancellationToken cancellationToken);
}

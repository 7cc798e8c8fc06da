using Cal.Application.DestinationCalendars.Common;
using Cal.Domain.Bookings;
using Microsoft.EntityFrameworkCore;

namespace Cal.Infrastructure.Persistence.Repositories;

/// <summary>Destination calendars: one row per user (a unique index), replaced whole; deleted with their credential (a cascade).</summary>
internal sealed class DestinationCalendarStore(CalDbContext db) : IDestinationCalendarStore
{
    public Task<DestinationCalendar?> FindAsync(int userId, CancellationToken cancellationToken) =>
        db.DestinationCalendars.AsNoTracking().SingleOrDefaultAsync(d => d.UserId == userId, cancellationToken);

    public async Task<DestinationCalendar> SetAsync(DestinationCalendar calendar, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.DestinationCalendars.Where(d => d.UserId == calendar.UserId).ExecuteDeleteAsync(cancellationToken);
        db.DestinationCalendars.Add(calendar);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return calendar;
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
        {
            // A concurrent PUT for the same user won: theirs stands, as if it had come last.
            return await db.DestinationCalendars.AsNoTracking().SingleAsync(d => d.UserId == calendar.UserId, cancellationToken);
        }
        finally
        {
            db.Entry(calendar).State = EntityState.Detached;
        }
    }

    public Task ClearUnlessAsync(
        int userId,
        int credentialId,
        IReadOnlyCollection<string> remaining,
        CancellationToken cancellationToken
    ) =>
        db
            .DestinationCalendars.Where(d => d.UserId == userId && d.CredentialId == credentialId && !remaining.Contains(d.ExternalId))
            .ExecuteDeleteAsync(cancellationToken);
}

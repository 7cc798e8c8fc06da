using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Cal.Infrastructure.Persistence;

/// <summary>
/// Tells a unique-index violation (a conflict the caller can act on) and a foreign-key violation (what it refers to is
/// gone, e.g. a user deleted while their save was in flight) from every other database failure.
/// </summary>
internal static class DatabaseErrors
{
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintPrimaryKey = 1555;
    private const int SqliteConstraintForeignKey = 787;

    public static bool IsUniqueViolation(DbUpdateException exception) =>
        exception.InnerException switch
        {
            SqliteException sqlite => sqlite.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey,
            Npgsql.PostgresException postgres => postgres.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
            Microsoft.Data.SqlClient.SqlException sqlServer => sqlServer.Number is 2601 or 2627,
            _ => false,
        };

    /// <summary>
    /// Saves the context's changes; false when a unique index refused them. <paramref name="entity"/> is detached
    /// afterwards either way, so the scope's context does not carry it into a later save.
    /// </summary>
    public static async Task<bool> TrySaveUniqueAsync(DbContext db, object entity, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException ex) when (IsUniqueViolation(ex))
        {
            return false;
        }
        finally
        {
            db.Entry(entity).State = EntityState.Detached;
        }
    }

    public static bool IsForeignKeyViolation(DbUpdateException exception) =>
        exception.InnerException switch
        {
            SqliteException sqlite => sqlite.SqliteExtendedErrorCode == SqliteConstraintForeignKey,
            Npgsql.PostgresException postgres => postgres.SqlState == Npgsql.PostgresErrorCodes.ForeignKeyViolation,
            Microsoft.Data.SqlClient.SqlException sqlServer => sqlServer.Number == 547,
            _ => false,
        };
}

using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Cal.Infrastructure.Persistence;

/// <summary>Tells a unique-index violation (a conflict the caller can act on) from every other database failure.</summary>
internal static class DatabaseErrors
{
    private const int SqliteConstraint = 19;

    public static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint,
        Npgsql.PostgresException postgres => postgres.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
        Microsoft.Data.SqlClient.SqlException sqlServer => sqlServer.Number is 2601 or 2627,
        _ => false,
    };
}

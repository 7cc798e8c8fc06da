using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Cal.Infrastructure.Persistence;

/// <summary>SQLite's durability per connection (<c>Database:SqliteSynchronous</c>), set on each open with the busy timeout: the pragmas are
/// per connection.</summary>
public enum SqliteSynchronous
{
    /// <summary>An acknowledged save survives an OS crash or power loss (the default).</summary>
    Full,

    /// <summary>Faster commits in WAL mode; an OS crash or power loss can lose the last acknowledged saves (a process crash
    /// cannot).</summary>
    Normal,
}

internal sealed class SqliteSynchronousInterceptor(SqliteSynchronous level) : DbConnectionInterceptor
{
    // busy_timeout: a writer that finds the lock taken waits in SQLite's short steps (1 ms, 2 ms, 5 ms, ...) rather than in
    // Microsoft.Data.Sqlite's 150 ms sleeps; the hot writers do not even get there (SqliteWriteGate).
    private readonly string pragma =
        (level == SqliteSynchronous.Full ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;") + " PRAGMA busy_timeout=30000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(
        DbConnection connection,
        ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default
    )
    {
        await using var command = connection.CreateCommand();
        command.CommandText = pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

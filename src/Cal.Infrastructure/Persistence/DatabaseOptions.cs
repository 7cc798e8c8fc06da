namespace Cal.Infrastructure.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,

    /// <summary>PostgreSQL (Npgsql): the database server a fleet of instances shares where SQL Server is not available.</summary>
    Postgres,
}

/// <summary>Section <c>Database</c>; the connection string is <c>ConnectionStrings:Default</c>.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Create and migrate the database at start-up (and before admin commands).</summary>
    public bool AutoMigrate { get; set; } = true;

    /// <summary>SQLite only: <c>Full</c> (default; an acknowledged save survives power loss) or <c>Normal</c> (faster commits, see
    /// benchmarks/README.md).</summary>
    public SqliteSynchronous SqliteSynchronous { get; set; } = SqliteSynchronous.Full;

    public const string DefaultSqliteConnectionString = "Data Source=App_Data/cal.db";
}

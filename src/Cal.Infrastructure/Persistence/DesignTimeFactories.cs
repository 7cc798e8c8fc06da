using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Cal.Infrastructure.Persistence;

// Used only by `dotnet ef` to add migrations and script them; no server is contacted for either.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCalDbContext>
{
    public SqliteCalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCalDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCalDbContext>
{
    public PostgresCalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCalDbContext>().UseNpgsql("Host=design-time;Database=cal").Options);
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerCalDbContext>
{
    public SqlServerCalDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerCalDbContext>().UseSqlServer("Server=(design-time);Database=Cal").Options);
}

using Cal.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cal.Infrastructure.Persistence;

/// <summary>
/// Creates and migrates the database on first use, so the zero-config start needs no set-up step; then checks the Data
/// Protection key ring against it (<see cref="KeyRingInitializer"/>).
/// </summary>
public sealed class DatabaseInitializer(CalDbContext db, KeyRingInitializer keyRing, IOptions<DatabaseOptions> options, ILogger<DatabaseInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (options.Value.AutoMigrate)
        {
            await db.Database.MigrateAsync(cancellationToken);
            if (db.Database.IsSqlite())
            {
                // WAL lets readers proceed while a save writes.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }

            logger.LogDebug("Database ready ({Provider})", options.Value.Provider);
        }

        await keyRing.InitializeAsync(cancellationToken);
    }
}

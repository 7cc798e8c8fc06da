using Cal.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cal.Infrastructure.Persistence;

/// <summary>
/// Creates and migrates the database on first use, so the zero-config start needs no set-up step; then checks the Data
/// Protection key ring against it (<see cref="KeyRingInitializer"/>) and re-keys accounts stored the earlier way.
/// </summary>
public sealed class DatabaseInitializer(
    CalDbContext db,
    KeyRingInitializer keyRing,
    Application.Common.Interfaces.IAccountKeys accountKeys,
    IOptions<DatabaseOptions> options,
    ILogger<DatabaseInitializer> logger
)
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

        // Accounts an earlier version keyed with an unsalted hash, re-keyed now that the key ring is known to read them.
        if (accountKeys is HmacAccountKeys keyed)
        {
            try
            {
                await keyed.MigrateAsync(db, cancellationToken);
            }
            catch (System.Data.Common.DbException ex)
            {
                logger.LogWarning(
                    "Accounts not re-keyed now: the database cannot be read ({Error}); tried again at the next start",
                    ex.GetType().Name
                );
            }
        }
    }
}

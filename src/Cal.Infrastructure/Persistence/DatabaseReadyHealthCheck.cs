using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Cal.Infrastructure.Persistence;

/// <summary>Ready means the database answers and every migration this build knows is applied.</summary>
internal sealed class DatabaseReadyHealthCheck(CalDbContext db) : IHealthCheck
{
    public const string Name = "database";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!await db.Database.CanConnectAsync(cancellationToken))
        {
            return HealthCheckResult.Unhealthy("The database cannot be reached.");
        }

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
        return pending == 0
            ? HealthCheckResult.Healthy("The database is reachable and migrated.")
            : HealthCheckResult.Unhealthy($"{pending} migration(s) not applied.");
    }
}

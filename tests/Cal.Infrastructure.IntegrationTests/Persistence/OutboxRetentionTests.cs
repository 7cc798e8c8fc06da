using Cal.Domain.Outbox;
using Cal.Infrastructure.IntegrationTests.Support;
using Cal.Infrastructure.Outbox;
using Cal.Infrastructure.Persistence;
using Cal.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cal.Infrastructure.IntegrationTests.Persistence;

/// <summary>
/// <c>Outbox:Retention</c> on a real SQLite file: items finished (done or failed) before the cut-off are deleted, a batch
/// at a time and oldest first; items finished since, and pending items however old, are kept.
/// </summary>
public sealed class OutboxRetentionTests
{
    [Test]
    public async Task OnSqlite_FinishedItemsOlderThanTheCutOff_AreDeletedInBatches_PendingOnesNever()
    {
        using var temp = new TempDirectory();
        await using var host = InfrastructureHost.Create(temp.Path);
        await RetainsAsync(host);
    }

    [Test]
    public async Task OnPostgres_FinishedItemsOlderThanTheCutOff_AreDeletedInBatches_PendingOnesNever()
    {
        using var postgres = PostgresServer.StartOrIgnore();
        using var temp = new TempDirectory();
        await using var host = InfrastructureHost.Create(
            temp.Path,
            new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Postgres",
                ["ConnectionStrings:Default"] = postgres.ConnectionString("retention_" + Guid.NewGuid().ToString("N")[..8]),
            }
        );
        await RetainsAsync(host);
    }

    private static async Task RetainsAsync(InfrastructureHost host)
    {
        await host.InitializeDatabaseAsync();
        var now = new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
        var old = now.AddDays(-40);
        var ids = await host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<CalDbContext>();
            OutboxItem Made(string key, DateTimeOffset at, bool? done)
            {
                var item = OutboxItem.Create(OutboxKind.WebhookDelivery, key, "{}", at);
                if (done is { } d)
                {
                    item.Record(d, retryAt: null, d ? "delivered" : "http_status", d ? 200 : 500, at);
                }

                db.Outbox.Add(item);
                return item;
            }

            var items = new[]
            {
                Made("old-done-1", old, done: true),
                Made("old-failed", old.AddMinutes(1), done: false),
                Made("old-done-2", old.AddMinutes(2), done: true),
                Made("recent-done", now.AddDays(-1), done: true),
                Made("old-pending", old, done: null),
            };
            await db.SaveChangesAsync();
            return items.Select(i => i.Id).ToArray();
        });

        var cutOff = now - TimeSpan.FromDays(30);
        var first = await host.InScopeAsync(sp =>
            sp.GetRequiredService<OutboxStore>().DeleteFinishedAsync(cutOff, max: 2, CancellationToken.None)
        );
        var second = await host.InScopeAsync(sp =>
            sp.GetRequiredService<OutboxStore>().DeleteFinishedAsync(cutOff, max: 2, CancellationToken.None)
        );
        var third = await host.InScopeAsync(sp =>
            sp.GetRequiredService<OutboxStore>().DeleteFinishedAsync(cutOff, max: 2, CancellationToken.None)
        );
        var left = await host.InScopeAsync(sp =>
            sp.GetRequiredService<CalDbContext>().Outbox.AsNoTracking().OrderBy(o => o.Id).Select(o => o.Id).ToListAsync()
        );

        Assert.That((first, second, third), Is.EqualTo((2, 1, 0)), "a batch of two, then the last old one, then nothing");
        Assert.That(left, Is.EqualTo(new[] { ids[3], ids[4] }), "the recently finished item and the pending one stay");
    }
}

using System.Collections.Concurrent;
using Cal.Application.Outbox;
using Cal.Domain.Outbox;
using Cal.Infrastructure.IntegrationTests.Support;
using Cal.Infrastructure.Outbox;
using Cal.Infrastructure.Persistence;
using Cal.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cal.Infrastructure.IntegrationTests.Persistence;

/// <summary>
/// The outbox worker as a fleet runs it: two instances on one PostgreSQL database, each item performed by one of them
/// (claims with a lease), in order per key; an attempt that fails is retried after the handler's delay, and after the
/// last one the item is failed; one whose worker died is taken up again when its lease runs out.
/// </summary>
[NonParallelizable]
public sealed class OutboxWorkerTests
{
    /// <summary>Records every performance (item, instance, order), failing the first <see cref="FailFirst"/> attempts of each
    /// item.</summary>
    private sealed class RecordingHandler(
        string instance,
        ConcurrentQueue<(int Item, string Instance, string Key)> performed,
        int failFirst,
        TimeSpan[] delays
    ) : IOutboxItemHandler
    {
        private readonly ConcurrentDictionary<int, int> attempts = new();

        public OutboxKind Kind => OutboxKind.WebhookDelivery;

        public IReadOnlyList<TimeSpan> RetryDelays => delays;

        public int FailFirst => failFirst;

        public async Task<OutboxAttempt> PerformAsync(OutboxItem item, CancellationToken cancellationToken)
        {
            await Task.Delay(Random.Shared.Next(0, 5), cancellationToken);
            if (attempts.AddOrUpdate(item.Id, 1, (_, n) => n + 1) <= failFirst)
            {
                return new OutboxAttempt(OutboxOutcome.Retry, "not yet");
            }

            performed.Enqueue((item.Id, instance, item.OrderKey));
            return OutboxAttempt.Done();
        }
    }

    private static InfrastructureHost Host(
        TempDirectory temp,
        string name,
        string connection,
        ConcurrentQueue<(int, string, string)> performed,
        int failFirst = 0,
        TimeSpan[]? delays = null
    ) =>
        InfrastructureHost.Create(
            temp.Combine(name),
            new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Postgres",
                ["ConnectionStrings:Default"] = connection,
                ["Outbox:PollInterval"] = "00:00:00.100",
                ["Outbox:LeaseDuration"] = "00:00:02",
            },
            services =>
                services.AddScoped<IOutboxItemHandler>(_ => new RecordingHandler(
                    name,
                    performed,
                    failFirst,
                    delays ?? [TimeSpan.FromMilliseconds(100)]
                ))
        );

    private static async Task AddItemsAsync(InfrastructureHost host, int keys, int perKey)
    {
        await host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<CalDbContext>();
            for (var i = 0; i < perKey; i++)
            {
                for (var k = 0; k < keys; k++)
                {
                    db.Outbox.Add(OutboxItem.Create(OutboxKind.WebhookDelivery, $"key-{k}", "{}", DateTimeOffset.UtcNow));
                }
            }

            await db.SaveChangesAsync();
        });
    }

    private static OutboxWorker Worker(InfrastructureHost host) =>
        host.Services.GetServices<IHostedService>().OfType<OutboxWorker>().Single();

    private static async Task UntilAsync(Func<bool> done, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (!done() && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }
    }

    [Test]
    public async Task TwoInstancesOnOneDatabase_PerformEachItemOnce_InOrderPerKey()
    {
        using var postgres = PostgresServer.StartOrIgnore();
        using var temp = new TempDirectory();
        var connection = postgres.ConnectionString("outbox_" + Guid.NewGuid().ToString("N")[..8]);
        var performed = new ConcurrentQueue<(int Item, string Instance, string Key)>();
        await using var a = Host(temp, "a", connection, performed);
        await using var b = Host(temp, "b", connection, performed);
        await a.InitializeDatabaseAsync();
        await AddItemsAsync(a, keys: 20, perKey: 10);

        await Task.WhenAll(Worker(a).StartAsync(CancellationToken.None), Worker(b).StartAsync(CancellationToken.None));
        await UntilAsync(() => performed.Count >= 200, TimeSpan.FromSeconds(30));
        await Task.Delay(500); // any second performance would show by now
        await Task.WhenAll(Worker(a).StopAsync(CancellationToken.None), Worker(b).StopAsync(CancellationToken.None));

        var all = performed.ToList();
        Assert.That(all, Has.Count.EqualTo(200), "every item, once");
        Assert.That(all.Select(p => p.Item), Is.Unique);
        Assert.That(all.Select(p => p.Instance).Distinct(), Is.EquivalentTo(new[] { "a", "b" }), "both instances took part");
        foreach (var key in all.GroupBy(p => p.Key))
        {
            Assert.That(key.Select(p => p.Item), Is.Ordered, $"{key.Key} performed in the order it was made");
        }
    }

    [Test]
    public async Task AFailingItem_IsRetriedAfterEachDelay_ThenFailed()
    {
        using var postgres = PostgresServer.StartOrIgnore();
        using var temp = new TempDirectory();
        var performed = new ConcurrentQueue<(int Item, string Instance, string Key)>();
        await using var host = Host(
            temp,
            "a",
            postgres.ConnectionString("retry_" + Guid.NewGuid().ToString("N")[..8]),
            performed,
            failFirst: 100,
            delays: [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200)]
        );
        await host.InitializeDatabaseAsync();
        await AddItemsAsync(host, keys: 1, perKey: 1);

        await Worker(host).StartAsync(CancellationToken.None);
        var item = await host.InScopeAsync(async sp =>
        {
            for (var i = 0; i < 100; i++)
            {
                var row = sp.GetRequiredService<CalDbContext>().Outbox.AsNoTracking().Single();
                if (row.FailedAt is not null)
                {
                    return row;
                }

                await Task.Delay(50);
            }

            return null;
        });
        await Worker(host).StopAsync(CancellationToken.None);

        Assert.That(item, Is.Not.Null, "failed after the last delay");
        Assert.That(
            (item!.Attempts, item.LastResult),
            Is.EqualTo((3, "not yet")),
            "the first attempt and one after each of the two delays"
        );
    }

    [Test]
    public async Task ADeadWorkersClaim_IsTakenUpWhenItsLeaseEnds_ThenItsKeyGoesOnInOrder()
    {
        // A worker that claimed an item and died (its process killed) never records or releases it: the item waits for
        // the lease to end, then another worker performs it, and the later items of its key after it.
        using var postgres = PostgresServer.StartOrIgnore();
        using var temp = new TempDirectory();
        var performed = new ConcurrentQueue<(int Item, string Instance, string Key)>();
        await using var host = Host(temp, "a", postgres.ConnectionString("lease_" + Guid.NewGuid().ToString("N")[..8]), performed);
        await host.InitializeDatabaseAsync();
        await AddItemsAsync(host, keys: 1, perKey: 3);
        var lease = TimeSpan.FromSeconds(2);
        var claimedAt = DateTimeOffset.UtcNow;
        var claimed = await host.InScopeAsync(sp =>
            sp.GetRequiredService<OutboxStore>().ClaimAsync("dead-worker", claimedAt, lease, 10, CancellationToken.None)
        );
        Assert.That(claimed, Has.Count.EqualTo(1), "only the first item of a key is claimable while it is pending");

        await Worker(host).StartAsync(CancellationToken.None);
        await UntilAsync(() => performed.Count >= 3, TimeSpan.FromSeconds(20));
        await Task.Delay(300);
        await Worker(host).StopAsync(CancellationToken.None);

        var all = performed.ToList();
        Assert.That(
            all.Select(p => p.Item),
            Is.EqualTo(new[] { claimed[0].Id, claimed[0].Id + 1, claimed[0].Id + 2 }),
            "the dead worker's item first, each once, in order"
        );
        var first = await host.InScopeAsync(sp =>
            sp.GetRequiredService<CalDbContext>().Outbox.AsNoTracking().SingleAsync(o => o.Id == claimed[0].Id)
        );
        Assert.That(first.CompletedAt, Is.GreaterThanOrEqualTo(claimedAt + lease), "not before the dead worker's lease ended");
    }
}

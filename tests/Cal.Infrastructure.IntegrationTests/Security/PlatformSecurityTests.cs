using System.Security.Cryptography;
using System.Text;
using Cal.Infrastructure.RateLimiting;
using Cal.Infrastructure.Security;

namespace Cal.Infrastructure.IntegrationTests.Security;

public sealed class PlatformSecurityTests
{
    [Test]
    public void Secrets_AreRandom_Prefixed_AndHashedWithSha256()
    {
        var secrets = new PlatformSecrets();
        var tokens = Enumerable.Range(0, 100).Select(_ => secrets.NewAccessToken()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(tokens, Is.Unique);
            Assert.That(tokens, Has.All.Match("^calat_[A-Za-z0-9_-]{43}$"), "256 bits, base64url");
            Assert.That(secrets.NewRefreshToken(), Does.Match("^calrt_[A-Za-z0-9_-]{43}$"));
            Assert.That(secrets.NewClientSecret(), Does.Match("^calcs_[A-Za-z0-9_-]{43}$"));
            Assert.That(secrets.NewClientId(), Does.Match("^cl[0-9a-f]{22}$"));
            Assert.That(secrets.Hash("x"), Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("x")))));
            Assert.That(secrets.Matches("x", secrets.Hash("x")), Is.True);
            Assert.That(secrets.Matches("y", secrets.Hash("x")), Is.False);
            Assert.That(secrets.Matches("x", "short"), Is.False, "a malformed stored hash never matches");
        });
    }

    [Test]
    public async Task MemoryRateLimitStore_CountsPerPartitionAndWindow_AndForgetsIdlePartitions()
    {
        var store = new MemoryRateLimitStore();
        var window = TimeSpan.FromMinutes(1);

        var counts = await Task.WhenAll(
            Enumerable.Range(0, 200).Select(_ => store.IncrementAsync("a", 10, window, CancellationToken.None).AsTask())
        );
        Assert.That(counts.Order(), Is.EqualTo(Enumerable.Range(1, 200).Select(i => (long)i)), "no increment lost under concurrency");
        Assert.That(await store.IncrementAsync("b", 10, window, CancellationToken.None), Is.EqualTo(1));
        Assert.That(await store.IncrementAsync("a", 11, window, CancellationToken.None), Is.EqualTo(1), "a new window starts at one");

        await store.IncrementAsync("c", 13, window, CancellationToken.None);
        Assert.That(store.PartitionCount, Is.EqualTo(1), "a (last seen in window 11) and b (10) were idle for a whole window: dropped");
    }

    [Test]
    public void MemoryRateLimitStore_LosesNoCount_OnThreadsRacingOneKey_NorWhenTheWindowMovesUnderThem()
    {
        // One API key's requests all count on one counter, lock-free: threads racing on it must each get their own count.
        var store = new MemoryRateLimitStore();
        var window = TimeSpan.FromMinutes(1);
        var counts = new System.Collections.Concurrent.ConcurrentBag<long>();
        Parallel.For(
            0,
            40_000,
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            _ => counts.Add(store.IncrementAsync("key", 10, window, CancellationToken.None).AsTask().Result)
        );
        Assert.That(counts.Order(), Is.EqualTo(Enumerable.Range(1, 40_000).Select(i => (long)i)));

        // The window moves while threads count: every request of the new window counts in it, from one, none lost.
        var next = new System.Collections.Concurrent.ConcurrentBag<long>();
        Parallel.For(
            0,
            20_000,
            new ParallelOptions { MaxDegreeOfParallelism = 8 },
            _ => next.Add(store.IncrementAsync("key", 11, window, CancellationToken.None).AsTask().Result)
        );
        Assert.That(next.Order(), Is.EqualTo(Enumerable.Range(1, 20_000).Select(i => (long)i)));
    }
}

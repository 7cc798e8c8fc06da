using System.Diagnostics;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Cal.Infrastructure.IntegrationTests.Support;
using Cal.Testing;

namespace Cal.Infrastructure.IntegrationTests.Outbound;

/// <summary>The fetcher streams into its reader, caps concurrency server-wide, and enforces the address policy at connect time.</summary>
[TestFixture]
[NonParallelizable]
public sealed class FetcherStreamingAndPolicyTests
{
    private IcsFeedServer allowed = null!;
    private IcsFeedServer notAllowed = null!;
    private TempDirectory temp = null!;
    private readonly List<InfrastructureHost> hosts = [];

    [OneTimeSetUp]
    public async Task StartServers()
    {
        allowed = await IcsFeedServer.StartAsync();
        notAllowed = await IcsFeedServer.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopServers()
    {
        await allowed.DisposeAsync();
        await notAllowed.DisposeAsync();
    }

    [SetUp]
    public void CreateTemp() => temp = new TempDirectory();

    [TearDown]
    public async Task DisposeHosts()
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }

        hosts.Clear();
        temp.Dispose();
    }

    /// <summary>Only the <c>allowed</c> server's port is on the allow-list (the host default, 127.0.0.0/8, is replaced).</summary>
    private IIcsFeedFetcher Fetcher(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{allowed.BaseAddress.Port}",
            ["Outbound:FeedTimeout"] = "00:00:05",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        var host = InfrastructureHost.Create(temp.Path, settings);
        hosts.Add(host);
        return host.Get<IIcsFeedFetcher>();
    }

    private static readonly Func<TextReader, CancellationToken, Task<string>> ReadAll = (reader, ct) => reader.ReadToEndAsync(ct);

    [Test]
    public async Task LoopbackServerNotOnTheAllowList_IsBlocked_AndNeverReached()
    {
        var before = notAllowed.RequestCount("/");

        var result = await Fetcher().FetchAsync(IcsFeedUrl.Create(notAllowed.Url("delay/0")), ReadAll, CancellationToken.None);

        Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.BlockedAddress));
        Assert.That(notAllowed.RequestCount("/"), Is.EqualTo(before));
    }

    [Test]
    public async Task RedirectFromAnAllowedServerToAnotherLoopbackServer_IsBlocked()
    {
        var before = notAllowed.RequestCount("/");
        var url = allowed.Url($"redirect-to?url={Uri.EscapeDataString(notAllowed.Url("delay/0"))}");

        var result = await Fetcher().FetchAsync(IcsFeedUrl.Create(url), ReadAll, CancellationToken.None);

        Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.BlockedAddress));
        Assert.That(notAllowed.RequestCount("/"), Is.EqualTo(before));
    }

    [Test]
    public async Task LocalhostByName_IsBlockedUnlessItsAddressIsAllowed()
    {
        var result = await Fetcher().FetchAsync(IcsFeedUrl.Create($"http://localhost:{notAllowed.BaseAddress.Port}/delay/0"), ReadAll, CancellationToken.None);
        Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.BlockedAddress));
    }

    [Test]
    public async Task ReaderThatStopsEarly_EndsTheFetchOfAnEndlessBody_Promptly()
    {
        var clock = Stopwatch.StartNew();

        var result = await Fetcher().FetchAsync(
            IcsFeedUrl.Create(allowed.Url("endless")),
            async (reader, ct) =>
            {
                for (var i = 0; i < 10; i++)
                {
                    await reader.ReadLineAsync(ct);
                }

                return "ten lines";
            },
            CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(result.Value, Is.EqualTo("ten lines"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "no draining, no reading past what the reader wanted");
    }

    [TestCase(1, 600, int.MaxValue)]
    [TestCase(2, 0, 600)]
    public async Task ServerWideLimiter_SerialisesFetchesBeyondItsPermits(int permits, int atLeastMs, int underMs)
    {
        var fetcher = Fetcher(("Outbound:MaxConcurrentFetches", permits.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await fetcher.FetchAsync(IcsFeedUrl.Create(allowed.Url("delay/0")), ReadAll, CancellationToken.None); // warm the connection pool
        var clock = Stopwatch.StartNew();

        var results = await Task.WhenAll(
            fetcher.FetchAsync(IcsFeedUrl.Create(allowed.Url("delay/300")), ReadAll, CancellationToken.None),
            fetcher.FetchAsync(IcsFeedUrl.Create(allowed.Url("delay/300?second")), ReadAll, CancellationToken.None));

        Assert.That(results.Select(r => r.Failure), Is.All.Null);
        Assert.That(clock.ElapsedMilliseconds, Is.GreaterThanOrEqualTo(atLeastMs).And.LessThan(underMs));
    }
}

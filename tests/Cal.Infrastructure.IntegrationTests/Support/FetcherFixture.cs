using Cal.Application.Common.Interfaces;
using Cal.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Cal.Infrastructure.IntegrationTests.Support;

/// <summary>
/// What the fetcher tests share: a loopback feed server (<see cref="Feeds"/>) and a raw loopback server for odd answers
/// (<see cref="Odd"/>) for the whole fixture, and per test a folder and the hosts built in it (<see cref="Fetcher"/>).
/// </summary>
public abstract class FetcherFixture
{
    private readonly List<InfrastructureHost> hosts = [];
    private TempDirectory temp = null!;

    protected IcsFeedServer Feeds { get; private set; } = null!;

    private protected LoopbackServer Odd { get; private set; } = null!;

    protected string Folder => temp.Path;

    [OneTimeSetUp]
    public async Task StartSharedServers()
    {
        Feeds = await IcsFeedServer.StartAsync();
        Odd = await LoopbackServer.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopSharedServers()
    {
        await Feeds.DisposeAsync();
        await Odd.DisposeAsync();
    }

    [SetUp]
    public void CreateFolder() => temp = new TempDirectory();

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

    /// <summary>A host over this test's folder with <paramref name="settings"/> (on top of InfrastructureHost's), disposed after the
    /// test.</summary>
    private protected InfrastructureHost Host(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        var host = InfrastructureHost.Create(temp.Path, settings, configure);
        hosts.Add(host);
        return host;
    }

    /// <summary>The host built last in this test (for its logs).</summary>
    private protected InfrastructureHost LastHost => hosts[^1];

    private protected IIcsFeedFetcher Fetcher(
        IReadOnlyDictionary<string, string?> settings,
        Action<IServiceCollection>? configure = null
    ) => Host(settings, configure).Get<IIcsFeedFetcher>();
}

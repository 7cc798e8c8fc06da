using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Cal.Domain.Common;
using Cal.Infrastructure.IntegrationTests.Support;
using Cal.Testing;

namespace Cal.Infrastructure.IntegrationTests.Calendars;

/// <summary>The feed cache is per owner and credential: nothing cached for one user is ever served to another.</summary>
[NonParallelizable]
public sealed class CachingIcsFeedSourceTests
{
    private static Credential CredentialOf(int userId, int id)
    {
        var credential = Credential.ForIcsFeed(userId, "protected");
        typeof(Entity).GetProperty(nameof(Entity.Id))!.SetValue(credential, id);
        return credential;
    }

    [Test]
    public async Task SameCredentialIdOfAnotherUser_DoesNotShareTheEntry()
    {
        await using var feeds = await IcsFeedServer.StartAsync();
        var url = IcsFeedUrl.Create(feeds.AddFeed("shared", IcsSamples.Simple()));
        using var temp = new TempDirectory();
        await using var host = InfrastructureHost.Create(
            temp.Path,
            new Dictionary<string, string?> { ["FeedCache:TimeToLive"] = "01:00:00" }
        );
        var source = host.Get<IIcsFeedSource>();

        await source.GetAsync(CredentialOf(userId: 1, id: 5), url, CancellationToken.None);
        await source.GetAsync(CredentialOf(userId: 1, id: 5), url, CancellationToken.None);
        Assert.That(feeds.RequestCount("/feeds/shared"), Is.EqualTo(1), "the owner's second read is cached");

        await source.GetAsync(CredentialOf(userId: 2, id: 5), url, CancellationToken.None);
        Assert.That(feeds.RequestCount("/feeds/shared"), Is.EqualTo(2), "a reused id under another user is a new entry");
    }
}

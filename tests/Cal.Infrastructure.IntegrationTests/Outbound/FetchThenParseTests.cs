using System.Text;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Cal.Infrastructure.IntegrationTests.Support;
using Cal.Infrastructure.Outbound;
using Cal.Testing;

namespace Cal.Infrastructure.IntegrationTests.Outbound;

/// <summary>The two halves of a feed check together, as the save runs them: the body streamed over loopback HTTP straight into the
/// checker.</summary>
[TestFixture]
[NonParallelizable]
public sealed class FetchThenParseTests : FetcherFixture
{
    private static readonly string[] SampleFolders = ["Recurrence", "Serialization", "Alarm", "Journal", "Todo"];

    private IIcsFeedFetcher fetcher = null!;
    private IIcsFeedChecker parser = null!;

    private IcsFeedServer feeds => Feeds;

    private LoopbackServer odd => Odd;

    [SetUp]
    public void CreateHost()
    {
        var host = Host(new Dictionary<string, string?> { ["Outbound:FeedTimeout"] = "00:00:05" });
        fetcher = host.Get<IIcsFeedFetcher>();
        parser = host.Get<IIcsFeedChecker>();
    }

    [Test]
    public async Task EverySample_ServedOverHttp_IsJudgedAsFromDisk()
    {
        var samples = SampleFolders.SelectMany(IcsSamples.All).Select(p => p.Replace('\\', '/')).ToList();
        Assert.That(samples, Has.Count.GreaterThanOrEqualTo(150));

        var mismatches = new List<string>();
        foreach (var path in samples)
        {
            var overHttp = await FetchAndCheckAsync(feeds.Url("samples/" + path));
            var fromDisk = await CheckTextAsync(IcsSamples.Read(path));
            if (overHttp != fromDisk)
            {
                mismatches.Add($"{path}: http {overHttp}, disk {fromDisk}");
            }
        }

        Assert.That(mismatches, Is.Empty);
    }

    [TestCase("html")]
    [TestCase("json")]
    [TestCase("empty")]
    public async Task NonCalendarPages_AreNotIcalendar(string route)
    {
        var fetched = await FetchAndCheckAsync(feeds.Url(route));

        // The page itself downloads fine: the failure is its content's, which is the fetch's failure.
        Assert.That(fetched.Failure?.Reason, Is.EqualTo(FeedFailureReason.NotIcalendar));
    }

    [Test]
    public async Task Latin1Feed_KeepsItsAccentedName()
    {
        var url = Serve(Encoding.Latin1.GetBytes(FeedBodies.Named("Café Zürich")), "text/calendar; charset=iso-8859-1");

        Assert.That(await FetchAndCheckAsync(url), Is.EqualTo(IcsCheckResult.Valid("Café Zürich")));
    }

    [Test]
    public async Task Utf8BomFeed_IsValid()
    {
        var url = Serve([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(FeedBodies.Named("Bom"))], "text/calendar");

        Assert.That(await FetchAndCheckAsync(url), Is.EqualTo(IcsCheckResult.Valid("Bom")));
    }

    [Test]
    public async Task DoubleBomFeed_IsValid()
    {
        var bom = Encoding.UTF8.GetPreamble();
        var url = Serve([.. bom, .. bom, .. Encoding.UTF8.GetBytes(FeedBodies.Named("Twice"))], "text/calendar");

        Assert.That(await FetchAndCheckAsync(url), Is.EqualTo(IcsCheckResult.Valid("Twice")));
    }

    private async Task<IcsCheckResult> FetchAndCheckAsync(string url)
    {
        var fetched = await fetcher.FetchAsync(
            IcsFeedUrl.Create(url),
            IcsFeedFetcher.NoOwner,
            async (body, ct) => (await parser.CheckAsync(body, ct)).AsOutboundResult(),
            CancellationToken.None
        );
        return fetched.Failure is { } failure ? IcsCheckResult.Invalid(failure) : IcsCheckResult.Valid(fetched.Value);
    }

    private Task<IcsCheckResult> CheckTextAsync(string text) => parser.CheckAsync(new StringReader(text), CancellationToken.None);

    private string Serve(byte[] body, string contentType) =>
        odd.Map(
            async ctx =>
            {
                ctx.Response.Headers.ContentType = contentType;
                ctx.Response.ContentLength = body.Length;
                await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
            },
            "serve"
        );
}

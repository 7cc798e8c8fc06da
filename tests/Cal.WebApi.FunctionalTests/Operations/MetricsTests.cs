using System.Net;
using System.Text.RegularExpressions;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Operations;

/// <summary>
/// <c>/metrics</c> (Prometheus, with <c>Telemetry:Prometheus=true</c>): Cal's own counters after a save and a failed save,
/// the framework's instruments beside them, and nothing secret in any label.
/// </summary>
public sealed partial class MetricsTests
{
    [GeneratedRegex(@"^cal_feeds_fetched_total\{[^}]*outcome=""(?<outcome>[a-z_]+)""[^}]*\} (?<value>\d+)", RegexOptions.Multiline)]
    private static partial Regex FetchedLine();

    private static async Task<Dictionary<string, long>> FetchedAsync(HttpClient http)
    {
        var text = await http.GetStringAsync("/metrics");
        return FetchedLine()
            .Matches(text)
            .GroupBy(m => m.Groups["outcome"].Value)
            .ToDictionary(
                g => g.Key,
                g => g.Sum(m => long.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture))
            );
    }

    [Test]
    public async Task AfterASaveAndAFailedSave_TheScrapeCountsFetchesByOutcome_AndNoLabelCarriesASecret()
    {
        await using var feeds = await IcsFeedServer.StartAsync();
        await using var api = new CalApiFactory(
            overrides: new Dictionary<string, string?>
            {
                ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}",
                ["Telemetry:Prometheus"] = "true",
            }
        );
        var (_, key) = await api.CreateUserWithKeyAsync();
        using var client = api.CreateAuthorizedClient(key);
        using var scraper = api.CreateClient();
        var before = await FetchedAsync(scraper);
        var secretFeed = feeds.AddFeed("private-4f9a1c77e2", IcsSamples.Simple());

        var saved = await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { secretFeed } }));
        var failed = await client.PostAsync(
            "/v2/calendars/ics-feed/save",
            Json.Body(new { urls = new[] { new Uri(feeds.BaseAddress, "/status/404?token=s3cr3t-tok").ToString() } })
        );
        var scrape = await scraper.GetAsync("/metrics");
        var text = await scrape.Content.ReadAsStringAsync();
        var after = await FetchedAsync(scraper);

        Assert.That((saved.StatusCode, failed.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.BadRequest)));
        Assert.That(scrape.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(after.GetValueOrDefault("ok") - before.GetValueOrDefault("ok"), Is.GreaterThanOrEqualTo(1), text);
        Assert.That(after.GetValueOrDefault("http_status") - before.GetValueOrDefault("http_status"), Is.GreaterThanOrEqualTo(1), text);
        Assert.That(text, Does.Contain("cal_feeds_bytes"), "bytes fetched");
        Assert.That(text, Does.Contain("http_server_request_duration_seconds"), "ASP.NET Core's own instruments");
        Assert.That(
            text,
            Does.Not.Contain("private-4f9a1c77e2").And.Not.Contain("s3cr3t-tok").And.Not.Contain(key).And.Not.Contain("@example"),
            "no URL, key or email in any label"
        );
    }

    [Test]
    public async Task WithoutTheSetting_ThereIsNoScrapeEndpoint()
    {
        await using var api = new CalApiFactory();
        using var http = api.CreateClient();

        Assert.That((await http.GetAsync("/metrics")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}

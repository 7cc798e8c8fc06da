using System.Net;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Calendars;

/// <summary>
/// Issue #19: warm reads come from memory. With the database taken away under the running server, a warm API key
/// still authenticates and the calendar list and busy times still answer (from the token cache, the read model and
/// the feed cache): no database round trip. A key never seen before, meanwhile, needs the database and gets the 503.
/// </summary>
[NonParallelizable]
public sealed class HotReadsTests
{
    [Test]
    public async Task WarmReads_NeedNoDatabase()
    {
        await using var feeds = await IcsFeedServer.StartAsync();
        await using var api = new CalApiFactory(
            overrides: new Dictionary<string, string?> { ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}" }
        );
        try
        {
            var (_, key) = await api.CreateUserWithKeyAsync();
            var (_, coldKey) = await api.CreateUserWithKeyAsync();
            using var client = api.CreateAuthorizedClient(key);
            using var cold = api.CreateAuthorizedClient(coldKey);
            var urls = new[] { feeds.AddFeed("a.ics", IcsSamples.Simple("A")), feeds.AddFeed("b.ics", IcsSamples.Simple("B")) };
            Assert.That(
                (await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls }))).StatusCode,
                Is.EqualTo(HttpStatusCode.Created)
            );
            const string busy = "/v2/calendars/busy-times?dateFrom=2026-01-05&dateTo=2026-01-11&timeZone=UTC";
            var list = await (await client.GetAsync("/v2/calendars")).Content.ReadAsStringAsync();
            var times = await (await client.GetAsync(busy)).Content.ReadAsStringAsync();

            using (api.TakeDatabaseAway())
            {
                var warmList = await client.GetAsync("/v2/calendars");
                var warmBusy = await client.GetAsync(busy);
                Assert.That(warmList.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                Assert.That(await warmList.Content.ReadAsStringAsync(), Is.EqualTo(list), "the same list, from the read model");
                Assert.That(warmBusy.StatusCode, Is.EqualTo(HttpStatusCode.OK));
                Assert.That(await warmBusy.Content.ReadAsStringAsync(), Is.EqualTo(times), "the same busy times");
                // a key never seen: the database was needed
                await Json.AssertErrorEnvelopeAsync(await cold.GetAsync("/v2/calendars"), 503, "ServiceUnavailableException");
            }
        }
        finally
        {
            api.DeleteData();
        }
    }
}

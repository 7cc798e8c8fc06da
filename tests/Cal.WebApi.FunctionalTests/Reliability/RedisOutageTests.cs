using System.Diagnostics;
using System.Net;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Reliability;

/// <summary>
/// Issue #28.7: a fleet's Redis that stops answering (frozen with SIGSTOP: connections stay open, nothing comes back)
/// costs a request at most one short timeout (<c>Redis:OperationTimeout</c>), then the breaker skips Redis altogether:
/// reads and writes keep answering within a second, rate limits count per instance, and one warning says so.
/// </summary>
[NonParallelizable]
public sealed class RedisOutageTests
{
    [Test]
    public async Task AHungRedis_LeavesEveryRequestAnsweringWithinASecond_WithOneWarning()
    {
        using var redis = RedisServer.StartOrIgnore();
        await using var api = new CalApiFactory(
            overrides: new Dictionary<string, string?> { ["Redis:Configuration"] = redis.Configuration }
        );
        var (_, key) = await api.CreateUserWithKeyAsync();
        using var client = api.CreateAuthorizedClient(key);
        Assert.That((await client.GetAsync("/v2/calendars")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "warm, with Redis answering");

        redis.Pause();
        try
        {
            var timings = new List<(string What, HttpStatusCode Status, double Ms)>();
            async Task TimeAsync(string what, Func<Task<HttpResponseMessage>> send)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await send();
                timings.Add((what, response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
            }

            for (var i = 0; i < 5; i++)
            {
                await TimeAsync("list", () => client.GetAsync("/v2/calendars"));
                await TimeAsync(
                    "schedule (a write)",
                    () => client.PostAsync("/v2/schedules", Json.Body(new { name = $"S{i}", timeZone = "UTC" }))
                );
            }

            await TimeAsync("anonymous", () => api.CreateClient().GetAsync("/v2/slots?eventTypeId=1&start=2027-01-01&end=2027-01-02"));

            Assert.That(timings.Where(t => t.Status >= HttpStatusCode.InternalServerError), Is.Empty, string.Join("\n", timings));
            Assert.That(timings.Select(t => t.Ms), Is.All.LessThan(1000), string.Join("\n", timings));
            Assert.That(
                api.Logs.Count(l => l.Contains("Redis unavailable", StringComparison.Ordinal)),
                Is.EqualTo(1),
                "one warning for the outage"
            );
        }
        finally
        {
            redis.Resume();
        }
    }
}

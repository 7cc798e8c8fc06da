using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Reliability;

/// <summary>
/// The iCalendar samples, mutated by a seeded generator (truncation, byte flips, broken folding, huge lines,
/// deep nesting, stray bytes), served from loopback and saved through the API: every answer is a 201 or a
/// 400 naming the feed's reason, never a 5xx, and none outlasts the save's time cap.
/// </summary>
[NonParallelizable]
public sealed class ParserFuzzTests
{
    private const int Seed = 5545;
    private const int Cases = 600;
    private static readonly TimeSpan SaveTimeout = TimeSpan.FromSeconds(10);

    [Test]
    public async Task MutatedSamples_Are201Or400WithAReason_NeverA5xx_NeverPastTheCap()
    {
        await using var feeds = await IcsFeedServer.StartAsync();
        await using var api = new CalApiFactory(
            overrides: new Dictionary<string, string?>
            {
                ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}",
                ["Outbound:SaveTimeout"] = "00:00:10",
                ["Outbound:MaxFeedBytes"] = "4194304",
                ["RateLimiting:PermitLimit"] = "100000",
                ["RateLimiting:AccessTokenPermitLimit"] = "100000",
                ["RateLimiting:OAuthClientPermitLimit"] = "100000",
            }
        );
        var (_, key) = await api.CreateUserWithKeyAsync();
        using var client = api.CreateAuthorizedClient(key);
        var samples = new[] { "Recurrence", "Serialization", "Alarm", "Journal", "Todo" }
            .SelectMany(IcsSamples.All)
            .Select(path => File.ReadAllBytes(Path.Combine(IcsSamples.Directory, path)))
            .ToList();
        var random = new Random(Seed);
        var urls = Enumerable
            .Range(0, Cases)
            .Select(i =>
            {
                var (kind, bytes) = Mutate(random, samples[random.Next(samples.Count)]);
                return (Kind: kind, Url: feeds.AddRawFeed($"m{i}", bytes));
            })
            .ToList();

        var outcomes = new List<(string Kind, int Status, string? Reason, TimeSpan Elapsed, string Body)>();
        foreach (var batch in urls.Chunk(8))
        {
            outcomes.AddRange(
                await Task.WhenAll(
                    batch.Select(async c =>
                    {
                        var started = Stopwatch.GetTimestamp();
                        var response = await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { c.Url } }));
                        var body = await response.Content.ReadAsStringAsync();
                        string? reason = null;
                        if (response.StatusCode == HttpStatusCode.BadRequest)
                        {
                            reason = JsonDocument
                                .Parse(body)
                                .RootElement.GetProperty("error")
                                .GetProperty("details")
                                .GetProperty("feeds")[0]
                                .GetProperty("reason")
                                .GetString();
                        }

                        return (c.Kind, (int)response.StatusCode, reason, Stopwatch.GetElapsedTime(started), body);
                    })
                )
            );
        }

        TestContext.Out.WriteLine(
            $"seed {Seed}: "
                + string.Join(
                    ", ",
                    outcomes.GroupBy(o => $"{o.Kind} {o.Status} {o.Reason}").OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}")
                )
        );
        TestContext.Out.WriteLine($"slowest save: {outcomes.Max(o => o.Elapsed).TotalMilliseconds:0} ms");
        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Where(o => o.Status is not (201 or 400)).Select(o => $"{o.Kind}: {o.Status} {o.Body}").Take(5), Is.Empty);
            Assert.That(outcomes.Where(o => o.Status == 400 && string.IsNullOrEmpty(o.Reason)), Is.Empty, "every refusal names a reason");
            Assert.That(outcomes.Max(o => o.Elapsed), Is.LessThan(SaveTimeout + TimeSpan.FromSeconds(5)), "no save outlasts its cap");
            Assert.That(outcomes.Count(o => o.Status == 201), Is.GreaterThan(0));
            Assert.That(outcomes.Count(o => o.Status == 400), Is.GreaterThan(0));
        });
        Assert.That(api.Logs, Has.None.Contains("Unhandled exception"));
    }

    private static (string Kind, byte[] Bytes) Mutate(Random random, byte[] sample)
    {
        var text = Encoding.UTF8.GetString(sample);
        switch (random.Next(9))
        {
            case 0:
                return ("truncated", sample[..random.Next(0, sample.Length)]);
            case 1:
                var flipped = (byte[])sample.Clone();
                for (var i = random.Next(1, 20); i > 0; i--)
                {
                    flipped[random.Next(flipped.Length)] = (byte)random.Next(256);
                }

                return ("byte-flips", flipped);
            case 2:
                // Continuation lines lose their leading space; or a line is broken without one.
                var unfolded = text.Replace("\r\n ", "\r\n", StringComparison.Ordinal).Replace("\n ", "\n", StringComparison.Ordinal);
                var at = random.Next(Math.Max(1, unfolded.Length));
                return ("folding", Encoding.UTF8.GetBytes(unfolded[..at] + "\r\n" + unfolded[at..]));
            case 3:
                var line = "X-HUGE:" + new string('x', random.Next(100_000, 2_000_000));
                return ("huge-line", Encoding.UTF8.GetBytes(Insert(random, text, line)));
            case 4:
                var depth = random.Next(100, 20_000);
                var nested =
                    string.Concat(Enumerable.Repeat("BEGIN:VEVENT\r\n", depth))
                    + string.Concat(Enumerable.Repeat("END:VEVENT\r\n", random.Next(0, depth + 2)));
                return ("deep-nesting", Encoding.UTF8.GetBytes(Insert(random, text, nested)));
            case 5:
                return ("nul-bytes", Encoding.UTF8.GetBytes(Insert(random, text, "\0\0\0NAME\0:\0")));
            case 6:
                return (
                    "line-endings",
                    Encoding.UTF8.GetBytes(
                        random.Next(2) == 0
                            ? text.Replace("\r\n", "\r", StringComparison.Ordinal)
                            : text.Replace("\r\n", "\n\n", StringComparison.Ordinal)
                    )
                );
            case 7:
                return ("bom-and-encoding", [.. Encoding.UTF8.GetPreamble(), .. Encoding.Unicode.GetBytes(text)]);
            default:
                return ("unchanged", sample);
        }
    }

    private static string Insert(Random random, string text, string insert)
    {
        var lines = text.Split('\n').ToList();
        lines.Insert(random.Next(lines.Count + 1), insert.TrimEnd('\n'));
        return string.Join('\n', lines);
    }
}

using System.Diagnostics;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Cal.Infrastructure.IntegrationTests.Support;
using Cal.Infrastructure.Outbound;
using Cal.Testing;

namespace Cal.Infrastructure.IntegrationTests.Outbound;

/// <summary>The fetcher streams into its reader, caps concurrency server-wide, and enforces the address policy at connect time.</summary>
[TestFixture]
[NonParallelizable]
public sealed class FetcherStreamingAndPolicyTests : FetcherFixture
{
    private IcsFeedServer notAllowed = null!;

    private IcsFeedServer allowed => Feeds;

    private LoopbackServer counting => Odd;

    [OneTimeSetUp]
    public async Task StartTheServerNotAllowed() => notAllowed = await IcsFeedServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopTheServerNotAllowed() => await notAllowed.DisposeAsync();

    /// <summary>Only the <c>allowed</c> and <c>counting</c> servers' ports are on the allow-list (the host default, 127.0.0.0/8, is
    /// replaced).</summary>
    private IIcsFeedFetcher Fetcher(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{allowed.BaseAddress.Port}",
            ["Outbound:AllowedHosts:1"] = $"127.0.0.1:{counting.BaseAddress.Port}",
            ["Outbound:FeedTimeout"] = "00:00:05",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return Fetcher(settings);
    }

    private static readonly Func<TextReader, CancellationToken, Task<OutboundResult<string>>> ReadAll = async (reader, ct) =>
        OutboundResult.Ok(await reader.ReadToEndAsync(ct));

    [Test]
    public async Task LoopbackServerNotOnTheAllowList_IsBlocked_AndNeverReached()
    {
        var before = notAllowed.RequestCount("/");

        var result = await Fetcher()
            .FetchAsync(IcsFeedUrl.Create(notAllowed.Url("delay/0")), IcsFeedFetcher.NoOwner, ReadAll, CancellationToken.None);

        Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.BlockedAddress));
        Assert.That(notAllowed.RequestCount("/"), Is.EqualTo(before).And.Zero, "refused before connecting: the server never saw a request");
    }

    [Test]
    public async Task RedirectFromAnAllowedServerToAnotherLoopbackServer_IsBlocked()
    {
        var before = notAllowed.RequestCount("/");
        var url = allowed.Url($"redirect-to?url={Uri.EscapeDataString(notAllowed.Url("delay/0"))}");

        var redirectsBefore = allowed.RequestCount("/redirect-to");

        var result = await Fetcher().FetchAsync(IcsFeedUrl.Create(url), IcsFeedFetcher.NoOwner, ReadAll, CancellationToken.None);

        Assert.That(
            allowed.RequestCount("/redirect-to") - redirectsBefore,
            Is.EqualTo(1),
            "precondition: the allowed server was asked and redirected"
        );
        Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.BlockedAddress));
        Assert.That(notAllowed.RequestCount("/"), Is.EqualTo(before).And.Zero, "the redirect hop is checked before it connects");
    }

    [Test]
    public async Task LocalhostByName_IsBlockedUnlessItsAddressIsAllowed()
    {
        var result = await Fetcher()
            .FetchAsync(
                IcsFeedUrl.Create($"http://localhost:{notAllowed.BaseAddress.Port}/delay/0"),
                IcsFeedFetcher.NoOwner,
                ReadAll,
                CancellationToken.None
            );
        Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.BlockedAddress));
    }

    [Test]
    public async Task ReaderThatStopsEarly_EndsTheFetchOfAnEndlessBody_Promptly()
    {
        var clock = Stopwatch.StartNew();

        var result = await Fetcher()
            .FetchAsync(
                IcsFeedUrl.Create(allowed.Url("endless")),
                IcsFeedFetcher.NoOwner,
                async (reader, ct) =>
                {
                    for (var i = 0; i < 10; i++)
                    {
                        await reader.ReadLineAsync(ct);
                    }

                    return OutboundResult.Ok("ten lines");
                },
                CancellationToken.None
            )
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(result.Value, Is.EqualTo("ten lines"));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "no draining, no reading past what the reader wanted");
    }

    [Test]
    public async Task ReaderThatReadsOneLine_EndsTheFetchOfAnEndlessBody_Promptly()
    {
        var clock = Stopwatch.StartNew();

        var result = await Fetcher()
            .FetchAsync(
                IcsFeedUrl.Create(allowed.Url("endless")),
                IcsFeedFetcher.NoOwner,
                async (reader, ct) => OutboundResult.Ok(await reader.ReadLineAsync(ct)),
                CancellationToken.None
            )
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That((result.Value, result.Failure), Is.EqualTo(("BEGIN:VCALENDAR", (FeedFailure?)null)));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
    }

    [Test]
    public async Task ReaderThatStopsEarly_LeavesTheRestOfAnEndlessBodyUnsent_AndClosesTheConnection()
    {
        // A raw socket server counts what the kernel accepted from it (a write to a closed connection fails,
        // unlike Kestrel, which discards writes after an abort). The fetcher may only pull what the reader asks
        // for, plus socket and decoder buffers (tens of MB at most on loopback), never the whole cap, and must
        // close the connection rather than drain the rest. The cap is large to keep those two far apart.
        const long cap = 256L * 1024 * 1024;
        long sent = 0;
        var handlerEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = new RawTcpServer(
            async (stream, ct) =>
            {
                try
                {
                    _ = await stream.ReadAsync(new byte[4096], ct);
                    var head =
                        "HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nConnection: close\r\n\r\nBEGIN:VCALENDAR\r\nVERSION:2.0\r\n";
                    await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head), ct);
                    var block = System.Text.Encoding.ASCII.GetBytes(
                        string.Concat(Enumerable.Repeat("X-PADDING:" + new string('a', 100) + "\r\n", 128))
                    );
                    while (true)
                    {
                        await stream.WriteAsync(block, ct);
                        Interlocked.Add(ref sent, block.Length);
                    }
                }
                finally
                {
                    handlerEnded.TrySetResult();
                }
            }
        );
        var fetcher = Fetcher(
            ("Outbound:AllowedHosts:2", $"127.0.0.1:{server.Port}"),
            ("Outbound:MaxFeedBytes", cap.ToString(System.Globalization.CultureInfo.InvariantCulture))
        );
        var clock = Stopwatch.StartNew();

        var result = await fetcher
            .FetchAsync(
                IcsFeedUrl.Create(server.Url()),
                IcsFeedFetcher.NoOwner,
                async (reader, ct) =>
                {
                    for (var i = 0; i < 10; i++)
                    {
                        await reader.ReadLineAsync(ct);
                    }

                    return OutboundResult.Ok("ten lines");
                },
                CancellationToken.None
            )
            .WaitAsync(TimeSpan.FromSeconds(30));
        var elapsed = clock.Elapsed;
        await handlerEnded.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the connection was closed, not drained
        var total = Interlocked.Read(ref sent);
        TestContext.Out.WriteLine($"returned after {elapsed.TotalMilliseconds:0} ms; server sent {total} bytes in all");

        Assert.Multiple(() =>
        {
            Assert.That((result.Value, result.Failure), Is.EqualTo(("ten lines", (FeedFailure?)null)));
            Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
            Assert.That(total, Is.LessThan(cap / 4), "only what the reader asked for was pulled, not the whole cap");
        });
    }

    [Test]
    public async Task ReaderGetsTheFirstLines_WhileTheRestOfTheBodyHasNotBeenSent()
    {
        // The server sends 20 lines and then holds the body open: a fetcher that buffered the body before
        // handing it over would wait for the 5 s timeout; a streaming one returns as soon as the reader does.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var url = counting.Map(
            async ctx =>
            {
                ctx.Response.ContentType = "text/calendar";
                var lines = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + string.Concat(Enumerable.Range(0, 18).Select(i => $"X-LINE:{i}\r\n"));
                await ctx.Response.Body.WriteAsync(System.Text.Encoding.ASCII.GetBytes(lines), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                try
                {
                    await release.Task.WaitAsync(ctx.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The fetcher closed the connection.
                }
            },
            "held-open"
        );
        var clock = Stopwatch.StartNew();

        var result = await Fetcher()
            .FetchAsync(
                IcsFeedUrl.Create(url),
                IcsFeedFetcher.NoOwner,
                async (reader, ct) =>
                {
                    string? last = null;
                    for (var i = 0; i < 10; i++)
                    {
                        last = await reader.ReadLineAsync(ct);
                    }

                    return OutboundResult.Ok(last);
                },
                CancellationToken.None
            )
            .WaitAsync(TimeSpan.FromSeconds(30));
        release.TrySetResult();

        Assert.That((result.Value, result.Failure), Is.EqualTo(("X-LINE:7", (FeedFailure?)null)));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "the reader was fed as the body arrived");
    }

    [TestCase(1, 580, int.MaxValue)] // two 300 ms fetches one after the other (less a little timer granularity); in parallel they take ~300
    [TestCase(2, 0, 600)]
    public async Task ServerWideLimiter_SerialisesFetchesBeyondItsPermits(int permits, int atLeastMs, int underMs)
    {
        var fetcher = Fetcher(("Outbound:MaxConcurrentFetches", permits.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        // warm the connection pool
        await fetcher.FetchAsync(IcsFeedUrl.Create(allowed.Url("delay/0")), IcsFeedFetcher.NoOwner, ReadAll, CancellationToken.None);
        var clock = Stopwatch.StartNew();

        var results = await Task.WhenAll(
            fetcher.FetchAsync(IcsFeedUrl.Create(allowed.Url("delay/300")), IcsFeedFetcher.NoOwner, ReadAll, CancellationToken.None),
            fetcher.FetchAsync(IcsFeedUrl.Create(allowed.Url("delay/300?second")), IcsFeedFetcher.NoOwner, ReadAll, CancellationToken.None)
        );

        Assert.That(results.Select(r => r.Failure), Is.All.Null);
        Assert.That(clock.ElapsedMilliseconds, Is.GreaterThanOrEqualTo(atLeastMs).And.LessThan(underMs));
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Cal.Infrastructure.IntegrationTests.Support;
using Cal.Infrastructure.Outbound;
using Cal.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Cal.Infrastructure.IntegrationTests.Outbound;

/// <summary>
/// <see cref="Infrastructure.Outbound.IcsFeedFetcher"/> as DI builds it (typed HttpClient, SocketsHttpHandler,
/// options from configuration) against real servers on 127.0.0.1: <see cref="IcsFeedServer"/> for the usual
/// answers and a <see cref="LoopbackServer"/> for the odd ones.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class IcsFeedFetcherTests : FetcherFixture
{
    private const int Cap = 64 * 1024;

    private IcsFeedServer feeds => Feeds;

    private LoopbackServer odd => Odd;

    // ---- success ----

    [Test]
    public async Task Fetch_SampleFile_ReturnsItsText()
    {
        var result = await FetchAsync(feeds.Url("samples/Recurrence/Daily1.ics"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Failure, Is.Null);
            Assert.That(result.Value, Is.EqualTo(IcsSamples.Read("Recurrence/Daily1.ics")));
        });
    }

    [Test]
    public async Task Fetch_RegisteredFeed_ReturnsContent()
    {
        var content = IcsSamples.Simple("Fetched", "fetch-1");
        var url = feeds.AddFeed("fetched-" + Guid.NewGuid().ToString("N"), content);

        var result = await FetchAsync(url);

        Assert.That((result.Value, result.Failure), Is.EqualTo((content, (FeedFailure?)null)));
    }

    [Test]
    public async Task Fetch_AsksForCalendarAndNamesItself()
    {
        var url = odd.Map(ctx => ctx.Response.WriteAsync(IcsSamples.Simple()), "headers");

        var result = await FetchAsync(url);

        var request = odd.RequestHeaders.Last();
        Assert.Multiple(() =>
        {
            Assert.That(result.Failure, Is.Null);
            Assert.That(request.Accept.ToString(), Does.StartWith("text/calendar"));
            Assert.That(request.UserAgent.ToString(), Does.Contain("Cal-IcsFeed/1.0"));
            Assert.That(request.AcceptEncoding.ToString(), Does.Contain("gzip"));
            Assert.That(request.ContainsKey("Cookie"), Is.False);
        });
    }

    // ---- HTTP status ----

    [TestCase(404)]
    [TestCase(500)]
    [TestCase(401)]
    [TestCase(403)]
    [TestCase(410)]
    [TestCase(503)]
    public async Task Fetch_ErrorStatus_IsHttpStatusWithThatCode(int status)
    {
        var result = await FetchAsync(feeds.Url($"status/{status}"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Value, Is.Null);
            Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.HttpStatus));
            Assert.That(result.Failure?.HttpStatus, Is.EqualTo(status));
            Assert.That(result.Failure?.Message, Does.Contain(status.ToString(CultureInfo.InvariantCulture)));
        });
    }

    [Test]
    public async Task Fetch_RedirectStatusWithoutLocation_IsHttpStatus()
    {
        var url = odd.Map(ctx =>
        {
            ctx.Response.StatusCode = StatusCodes.Status302Found;
            return Task.CompletedTask;
        });

        var result = await FetchAsync(url);

        Assert.That(
            result.Failure,
            Is.EqualTo(new FeedFailure(FeedFailureReason.HttpStatus, "The feed answered HTTP 302.", HttpStatus: 302))
        );
    }

    // ---- unreachable ----

    [Test]
    public async Task Fetch_PortNothingListensOn_IsUnreachable()
    {
        var port = LoopbackPorts.Unused();

        var watch = Stopwatch.StartNew();
        var result = await FetchAsync($"http://127.0.0.1:{port}/calendar.ics");

        Assert.Multiple(() =>
        {
            Assert.That(result.Value, Is.Null);
            Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.Unreachable));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)), "a refused connection must not wait for the timeout");
        });
    }

    [Test]
    public async Task Fetch_ServerClosesWithoutAnswer_IsUnreachable()
    {
        using var server = new RawTcpServer(
            async (stream, ct) =>
            {
                var buffer = new byte[4096];
                _ = await stream.ReadAsync(buffer, ct);
                stream.Socket.Close();
            }
        );

        var result = await FetchAsync(server.Url());

        Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.Unreachable));
    }

    [Test]
    public async Task Fetch_ServerAnswersGarbage_IsUnreachable()
    {
        using var server = new RawTcpServer(
            async (stream, ct) =>
            {
                var buffer = new byte[4096];
                _ = await stream.ReadAsync(buffer, ct);
                await stream.WriteAsync("SSH-2.0-OpenSSH_9.6\r\nthis is not http\r\n\r\n"u8.ToArray(), ct);
                stream.Socket.Close();
            }
        );

        var result = await FetchAsync(server.Url());

        Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.Unreachable));
    }

    // ---- timeout ----

    [Test]
    public async Task Fetch_HeadersLaterThanTimeout_IsTimeoutAtTheLimit()
    {
        var fetcher = Fetcher(("Outbound:FeedTimeout", "00:00:00.300"));

        var watch = Stopwatch.StartNew();
        var result = await Bounded(
            fetcher.FetchAsync(IcsFeedUrl.Create(feeds.Url("delay/5000")), IcsFeedFetcher.NoOwner, ReadAll, CancellationToken.None)
        );
        watch.Stop();

        Assert.Multiple(() =>
        {
            Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.Timeout));
            Assert.That(result.Failure?.Message, Does.Contain("0.3 s"));
            Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250)));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(300 + 1500)));
        });
    }

    [Test]
    [SetCulture("de-DE")]
    public async Task Fetch_TimeoutMessage_DoesNotDependOnTheServersCulture()
    {
        var result = await FetchAsync(feeds.Url("delay/3000"), ("Outbound:FeedTimeout", "00:00:00.300"));

        Assert.That(result.Failure?.Message, Does.Contain("0.3 s"));
    }

    [Test]
    public async Task Fetch_AnswerWithinTimeout_IsContent()
    {
        var fetcher = Fetcher(("Outbound:FeedTimeout", "00:00:03"));

        var result = await Bounded(
            fetcher.FetchAsync(IcsFeedUrl.Create(feeds.Url("delay/100")), IcsFeedFetcher.NoOwner, ReadAll, CancellationToken.None)
        );

        Assert.That((result.Value, result.Failure), Is.EqualTo((IcsSamples.Simple(), (FeedFailure?)null)));
    }

    [Test]
    public async Task Fetch_BodyDrippingForever_IsTimeoutAtTheLimit()
    {
        var dripped = 0;
        var url = odd.Map(
            async ctx =>
            {
                ctx.Response.ContentType = "text/calendar";
                await ctx.Response.Body.WriteAsync(Encoding.ASCII.GetBytes(FeedBodies.Head), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                await DripAsync(ctx, () => Interlocked.Increment(ref dripped));
            },
            "drip"
        );
        var fetcher = Fetcher(("Outbound:FeedTimeout", "00:00:00.500"));

        var watch = Stopwatch.StartNew();
        var result = await Bounded(fetcher.FetchAsync(IcsFeedUrl.Create(url), IcsFeedFetcher.NoOwner, ReadAll, CancellationToken.None));
        watch.Stop();

        Assert.Multiple(() =>
        {
            Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.Timeout));
            Assert.That(
                Volatile.Read(ref dripped),
                Is.GreaterThanOrEqualTo(2),
                "the headers and part of the body arrived before the deadline"
            );
            Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(450)));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(500 + 1500)));
        });
    }

    [Test]
    public async Task Fetch_ServerAcceptsButNeverAnswers_IsTimeout()
    {
        using var server = new RawTcpServer(
            async (stream, ct) =>
            {
                var buffer = new byte[4096];
                _ = await stream.ReadAsync(buffer, ct);
                await Task.Delay(Timeout.Infinite, ct);
            }
        );
        var fetcher = Fetcher(("Outbound:FeedTimeout", "00:00:00.300"));

        var watch = Stopwatch.StartNew();
        var result = await Bounded(
            fetcher.FetchAsync(IcsFeedUrl.Create(server.Url()), IcsFeedFetcher.NoOwner, ReadAll, CancellationToken.None)
        );

        Assert.Multiple(() =>
        {
            Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.Timeout));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromMilliseconds(300 + 1500)));
        });
    }

    [Test]
    public async Task Fetch_Deadline_RunsOnTheInjectedTimeProvider()
    {
        var clock = new FakeTimeProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var url = odd.Map(
            async ctx =>
            {
                await ctx.Response.Body.WriteAsync(Encoding.ASCII.GetBytes(FeedBodies.Head), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                started.TrySetResult();
                await DripAsync(ctx, () => 0);
            },
            "drip-fake-clock"
        );
        var fetcher = Fetcher([("Outbound:FeedTimeout", "00:00:00.300")], s => s.AddSingleton<TimeProvider>(clock));

        var fetch = fetcher.FetchAsync(IcsFeedUrl.Create(url), IcsFeedFetcher.NoOwner, ReadAll, CancellationToken.None);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(700); // well past 300 ms of real time: only the fake clock may end the fetch
        Assert.That(fetch.IsCompleted, Is.False, "the deadline must follow the injected TimeProvider, not the wall clock");

        clock.Advance(TimeSpan.FromMilliseconds(300));
        var result = await fetch.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.Timeout));
    }

    [Test]
    public async Task Fetch_CallerCancels_EndsPromptlyWithoutAFeedError()
    {
        var url = odd.Map(
            async ctx =>
            {
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                await DripAsync(ctx, () => 0);
            },
            "drip-cancel"
        );
        var fetcher = Fetcher(("Outbound:FeedTimeout", "00:01:00"));
        using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var watch = Stopwatch.StartNew();
        OutboundResult<string>? result = null;
        try
        {
            result = await Bounded(fetcher.FetchAsync(IcsFeedUrl.Create(url), IcsFeedFetcher.NoOwner, ReadAll, caller.Token));
        }
        catch (OperationCanceledException)
        {
            // Allowed by the contract: the caller went away.
        }

        Assert.Multiple(() =>
        {
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)));
            Assert.That(result?.Value, Is.Null);
            Assert.That(result?.Failure?.Reason, Is.Null.Or.EqualTo(FeedFailureReason.Timeout), "nothing but the time limit may be blamed");
        });
    }

    // ---- size ----

    [Test]
    public async Task Fetch_LargeStreamedFeedOverCap_IsTooLarge()
    {
        var result = await FetchAsync(feeds.Url($"large/{Cap * 4}"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Value, Is.Null);
            Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.TooLarge));
            Assert.That(result.Failure?.Message, Does.Contain(Cap.ToString(CultureInfo.InvariantCulture)));
        });
    }

    [Test]
    public async Task Fetch_LargeStreamedFeedUnderCap_IsContent()
    {
        var result = await FetchAsync(feeds.Url($"large/{Cap / 2}"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Failure, Is.Null);
            Assert.That(result.Value, Does.StartWith("BEGIN:VCALENDAR").And.EndWith("END:VCALENDAR\r\n"));
            Assert.That(result.Value!.Length, Is.InRange(Cap / 2, Cap));
        });
    }

    [Test]
    public async Task Fetch_EndlessChunkedBody_IsTooLargeLongBeforeTheTimeout()
    {
        var url = odd.Map(
            async ctx =>
            {
                ctx.Response.ContentType = "text/calendar";
                var chunk = FeedBodies.OfSize(8 * 1024);
                while (!ctx.RequestAborted.IsCancellationRequested)
                {
                    await ctx.Response.Body.WriteAsync(chunk, ctx.RequestAborted);
                    await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                }
            },
            "endless"
        );
        var fetcher = Fetcher(("Outbound:FeedTimeout", "00:00:20"), ("Outbound:MaxFeedBytes", Cap.ToString(CultureInfo.InvariantCulture)));

        var watch = Stopwatch.StartNew();
        var result = await Bounded(fetcher.FetchAsync(IcsFeedUrl.Create(url), IcsFeedFetcher.NoOwner, ReadAll, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.TooLarge));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        });
    }

    [TestCase(Cap, true, ExpectedResult = null)]
    [TestCase(Cap, false, ExpectedResult = null)]
    [TestCase(Cap + 1, true, ExpectedResult = FeedFailureReason.TooLarge)]
    [TestCase(Cap + 1, false, ExpectedResult = FeedFailureReason.TooLarge)]
    public async Task<FeedFailureReason?> Fetch_BodyAtTheCap_IsAcceptedAndOneByteMoreIsNot(int size, bool withContentLength)
    {
        var body = FeedBodies.OfSize(size);
        var url = odd.Map(
            async ctx =>
            {
                ctx.Response.ContentType = "text/calendar";
                if (withContentLength)
                {
                    ctx.Response.ContentLength = body.Length;
                    await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
                    return;
                }

                // Two flushed writes and no length: sent chunked.
                await ctx.Response.Body.WriteAsync(body.AsMemory(0, body.Length / 2), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                await ctx.Response.Body.WriteAsync(body.AsMemory(body.Length / 2), ctx.RequestAborted);
            },
            "sized"
        );

        var result = await FetchAsync(url);

        if (result.Failure is null)
        {
            Assert.That(result.Value, Has.Length.EqualTo(size));
        }

        return result.Failure?.Reason;
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Fetch_Cap_CountsBytesNotCharacters(bool withContentLength)
    {
        // "é" is two UTF-8 bytes: a body one byte over the cap has far fewer characters than the cap.
        var head = Encoding.ASCII.GetBytes(FeedBodies.Head + "X-PADDING:");
        var body = new byte[Cap + 1];
        head.CopyTo(body, 0);
        for (var i = head.Length; i + 1 < body.Length; i += 2)
        {
            body[i] = 0xC3;
            body[i + 1] = 0xA9;
        }

        body[^1] = (byte)'a';
        Assert.That(Encoding.UTF8.GetCharCount(body), Is.LessThan(Cap * 3 / 4), "precondition: well under the cap in characters");
        var url = odd.Map(
            async ctx =>
            {
                ctx.Response.ContentType = "text/calendar; charset=utf-8";
                if (withContentLength)
                {
                    ctx.Response.ContentLength = body.Length;
                }

                await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
            },
            "multibyte"
        );

        var result = await FetchAsync(url);

        Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.TooLarge));
    }

    [Test]
    public async Task Fetch_ContentLengthOverCap_IsTooLargeWithoutReadingTheBody()
    {
        var url = odd.Map(
            async ctx =>
            {
                ctx.Response.ContentType = "text/calendar";
                ctx.Response.ContentLength = 100L * 1024 * 1024;
                await ctx.Response.Body.WriteAsync(Encoding.ASCII.GetBytes(FeedBodies.Head), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                await Task.Delay(Timeout.Infinite, ctx.RequestAborted); // the rest never comes: reading it would hit the timeout
            },
            "announced-huge"
        );
        var fetcher = Fetcher(("Outbound:FeedTimeout", "00:00:10"), ("Outbound:MaxFeedBytes", Cap.ToString(CultureInfo.InvariantCulture)));

        var watch = Stopwatch.StartNew();
        var result = await Bounded(fetcher.FetchAsync(IcsFeedUrl.Create(url), IcsFeedFetcher.NoOwner, ReadAll, CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.TooLarge));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)));
        });
    }

    [TestCase("gzip")]
    [TestCase("br")]
    public async Task Fetch_CompressedFeed_IsDecompressed(string encoding)
    {
        var content = IcsSamples.Simple("Compressed " + encoding, "zip-1");
        var compressed = FeedBodies.Compress(Encoding.UTF8.GetBytes(content), encoding);
        var url = odd.Map(
            async ctx =>
            {
                ctx.Response.ContentType = "text/calendar; charset=utf-8";
                ctx.Response.Headers.ContentEncoding = encoding;
                ctx.Response.ContentLength = compressed.Length;
                await ctx.Response.Body.WriteAsync(compressed, ctx.RequestAborted);
            },
            "compressed"
        );

        var result = await FetchAsync(url);

        Assert.That((result.Value, result.Failure), Is.EqualTo((content, (FeedFailure?)null)));
    }

    [TestCase("gzip", true)]
    [TestCase("br", true)]
    [TestCase("gzip", false)]
    [TestCase("br", false)]
    public async Task Fetch_CompressedFeedBeyondCapOnceDecompressed_IsTooLarge(string encoding, bool withContentLength)
    {
        var compressed = FeedBodies.Compress(FeedBodies.Padded(1024 * 1024), encoding);
        Assert.That(compressed, Has.Length.LessThan(Cap / 4), "precondition: the wire size is well under the cap");
        var url = odd.Map(
            async ctx =>
            {
                ctx.Response.ContentType = "text/calendar";
                ctx.Response.Headers.ContentEncoding = encoding;
                if (withContentLength)
                {
                    ctx.Response.ContentLength = compressed.Length;
                    await ctx.Response.Body.WriteAsync(compressed, ctx.RequestAborted);
                    return;
                }

                // No length: sent chunked, in two flushed halves.
                await ctx.Response.Body.WriteAsync(compressed.AsMemory(0, compressed.Length / 2), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                await ctx.Response.Body.WriteAsync(compressed.AsMemory(compressed.Length / 2), ctx.RequestAborted);
            },
            "bomb"
        );

        var result = await FetchAsync(url);

        Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.TooLarge));
    }

    // ---- redirects ----

    [Test]
    public async Task Fetch_ThreeRedirects_AreFollowed()
    {
        var before = feeds.RequestCount("/redirect/");

        var result = await FetchAsync(feeds.Url("redirect/3"));

        Assert.Multiple(() =>
        {
            Assert.That((result.Value, result.Failure), Is.EqualTo((IcsSamples.Simple("Redirected"), (FeedFailure?)null)));
            Assert.That(feeds.RequestCount("/redirect/") - before, Is.EqualTo(4));
        });
    }

    [Test]
    public async Task Fetch_ExactlyMaxRedirects_AreFollowed()
    {
        var result = await FetchAsync(feeds.Url("redirect/5"), ("Outbound:MaxRedirects", "5"));

        Assert.That(result.Failure, Is.Null);
    }

    [Test]
    public async Task Fetch_OneRedirectMoreThanMax_IsTooManyRedirects()
    {
        var before = feeds.RequestCount("/redirect/0");

        var result = await FetchAsync(feeds.Url("redirect/6"), ("Outbound:MaxRedirects", "5"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Value, Is.Null);
            Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.TooManyRedirects));
            Assert.That(feeds.RequestCount("/redirect/0") - before, Is.Zero, "the 6th redirect must not be followed");
        });
    }

    [Test]
    public async Task Fetch_NoRedirectsAllowed_RefusesTheFirst()
    {
        var refused = await FetchAsync(feeds.Url("redirect/1"), ("Outbound:MaxRedirects", "0"));
        var direct = await FetchAsync(feeds.Url("redirect/0"), ("Outbound:MaxRedirects", "0"));

        Assert.Multiple(() =>
        {
            Assert.That(refused.Failure?.Reason, Is.EqualTo(FeedFailureReason.TooManyRedirects));
            Assert.That(direct.Failure, Is.Null);
        });
    }

    [Test]
    public async Task Fetch_RedirectLoop_IsTooManyRedirectsAfterMaxPlusOneRequests()
    {
        var before = feeds.RequestCount("/redirect-loop");

        var result = await FetchAsync(feeds.Url("redirect-loop"), ("Outbound:MaxRedirects", "5"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.TooManyRedirects));
            Assert.That(feeds.RequestCount("/redirect-loop") - before, Is.EqualTo(6));
        });
    }

    [TestCase(301)]
    [TestCase(302)]
    [TestCase(303)]
    [TestCase(307)]
    [TestCase(308)]
    public async Task Fetch_RedirectStatus_IsFollowedToAnotherServer(int status)
    {
        var content = IcsSamples.Simple($"After {status}", "redir");
        var target = feeds.AddFeed("redirect-target-" + Guid.NewGuid().ToString("N"), content);
        var url = odd.Map(
            ctx =>
            {
                ctx.Response.StatusCode = status;
                ctx.Response.Headers.Location = target;
                return Task.CompletedTask;
            },
            "redirect-status"
        );

        var result = await FetchAsync(url);

        Assert.That((result.Value, result.Failure), Is.EqualTo((content, (FeedFailure?)null)));
    }

    [TestCase("ftp://127.0.0.1/calendar.ics")]
    [TestCase("file:///etc/passwd")]
    [TestCase("gopher://127.0.0.1/1")]
    public async Task Fetch_RedirectToNonHttpScheme_IsRefused(string location)
    {
        var url = odd.Map(
            ctx =>
            {
                ctx.Response.StatusCode = StatusCodes.Status302Found;
                ctx.Response.Headers.Location = location;
                return Task.CompletedTask;
            },
            "redirect-scheme"
        );

        var result = await FetchAsync(url);

        Assert.Multiple(() =>
        {
            Assert.That(result.Value, Is.Null);
            Assert.That(result.Failure?.Reason, Is.EqualTo(FeedFailureReason.Unreachable));
            Assert.That(result.Failure?.Message, Does.Contain("not http or https"));
            Assert.That(result.Failure?.Message, Does.Not.Contain(location));
        });
    }

    // ---- character sets ----

    [Test]
    public async Task Fetch_Utf8WithBom_DropsTheBomAndDecodes()
    {
        var body = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(FeedBodies.Named("Équipe é"))).ToArray();
        var url = RawBytes(body, "text/calendar");

        var result = await FetchAsync(url);

        Assert.That(result.Value, Is.EqualTo(FeedBodies.Named("Équipe é")));
    }

    [Test]
    public async Task Fetch_Utf8WithoutCharset_DecodesAsUtf8()
    {
        var url = RawBytes(Encoding.UTF8.GetBytes(FeedBodies.Named("Réunion")), "text/calendar");

        var result = await FetchAsync(url);

        Assert.That(result.Value, Is.EqualTo(FeedBodies.Named("Réunion")));
    }

    [TestCase("text/calendar; charset=iso-8859-1")]
    [TestCase("text/calendar; charset=ISO-8859-1")]
    [TestCase("text/calendar; charset=\"iso-8859-1\"")]
    [TestCase("text/calendar;charset=latin1")]
    public async Task Fetch_Latin1Charset_IsDecoded(string contentType)
    {
        var body = Encoding.Latin1.GetBytes(FeedBodies.Named("Café é"));
        Assert.That(body, Does.Contain((byte)0xE9), "precondition: é is one Latin-1 byte");
        var url = RawBytes(body, contentType);

        var result = await FetchAsync(url);

        Assert.That(result.Value, Is.EqualTo(FeedBodies.Named("Café é")));
    }

    [Test]
    public async Task Fetch_Utf16WithBom_IsDetected()
    {
        var body = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(FeedBodies.Named("Zoë"))).ToArray();
        var url = RawBytes(body, "text/calendar");

        var result = await FetchAsync(url);

        Assert.That(result.Value, Is.EqualTo(FeedBodies.Named("Zoë")));
    }

    [Test]
    public async Task Fetch_UnknownCharset_FallsBackToUtf8()
    {
        var url = RawBytes(Encoding.UTF8.GetBytes(FeedBodies.Named("Café")), "text/calendar; charset=x-no-such-charset");

        var result = await FetchAsync(url);

        Assert.That(result.Value, Is.EqualTo(FeedBodies.Named("Café")));
    }

    [Test]
    public async Task Fetch_Utf7Charset_FallsBackInsteadOfThrowing()
    {
        var url = RawBytes(Encoding.UTF8.GetBytes(FeedBodies.Named("Seven")), "text/calendar; charset=utf-7");

        OutboundResult<string>? result = null;
        Assert.DoesNotThrowAsync(async () => result = await FetchAsync(url));
        Assert.That(result?.Value, Is.EqualTo(FeedBodies.Named("Seven")));
    }

    [Test]
    public async Task Fetch_Windows1252Charset_IsDecoded()
    {
        var url = RawBytes(Encoding.Latin1.GetBytes(FeedBodies.Named("Café é")), "text/calendar; charset=windows-1252");

        var result = await FetchAsync(url);

        Assert.That(result.Value, Is.EqualTo(FeedBodies.Named("Café é")));
    }

    // ---- never throws, never logs the secret part ----

    [Test]
    public async Task Fetch_NeverThrows_ForAnyFeedProblem()
    {
        var urls = new[]
        {
            feeds.Url("status/404"),
            feeds.Url("status/500"),
            feeds.Url("redirect-loop"),
            feeds.Url("large/1000000"),
            feeds.Url("delay/3000"),
            feeds.Url("html"),
            feeds.Url("empty"),
            $"http://127.0.0.1:{LoopbackPorts.Unused()}/x.ics",
            odd.Map(ctx =>
            {
                ctx.Response.StatusCode = 302;
                ctx.Response.Headers.Location = "ftp://127.0.0.1/x";
                return Task.CompletedTask;
            }),
            odd.Map(ctx =>
            {
                ctx.Response.StatusCode = 302;
                ctx.Response.Headers.Location = "http://[::1";
                return Task.CompletedTask;
            }),
            odd.Map(ctx =>
            {
                ctx.Response.ContentType = "text/calendar; charset=\"\"";
                return ctx.Response.WriteAsync("BEGIN:VCALENDAR");
            }),
            odd.Map(ctx =>
            {
                ctx.Response.StatusCode = 302;
                ctx.Response.Headers.Location = new Uri(odd.BaseAddress, "tls-on-a-plain-port").AbsoluteUri.Replace(
                    "http:",
                    "https:",
                    StringComparison.Ordinal
                );
                return Task.CompletedTask;
            }),
            odd.Map(ctx =>
            {
                ctx.Response.ContentLength = 5;
                return ctx.Response.WriteAsync("BEGIN");
            }),
        };
        var fetcher = Fetcher(("Outbound:FeedTimeout", "00:00:00.300"));

        foreach (var url in urls)
        {
            OutboundResult<string>? result = null;
            Assert.DoesNotThrowAsync(
                async () =>
                    result = await Bounded(
                        fetcher.FetchAsync(IcsFeedUrl.Create(url), IcsFeedFetcher.NoOwner, ReadAll, CancellationToken.None)
                    ),
                url
            );
            Assert.That(result, Is.Not.Null, url);
        }
    }

    [Test]
    public async Task Fetch_BodyEndingBeforeItsContentLength_IsAFailureNotAnException()
    {
        using var server = new RawTcpServer(
            async (stream, ct) =>
            {
                var buffer = new byte[4096];
                _ = await stream.ReadAsync(buffer, ct);
                var head =
                    "HTTP/1.1 200 OK\r\nContent-Type: text/calendar\r\nContent-Length: 10000\r\nConnection: close\r\n\r\n"
                    + FeedBodies.Head;
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), ct);
                stream.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Both); // a clean close, 9,900 bytes short
                stream.Close();
            }
        );

        OutboundResult<string>? result = null;
        Assert.DoesNotThrowAsync(async () => result = await FetchAsync(server.Url()));
        Assert.Multiple(() =>
        {
            Assert.That(result?.Value, Is.Null);
            Assert.That(result?.Failure?.Reason, Is.EqualTo(FeedFailureReason.Unreachable));
        });
    }

    [Test]
    public async Task Fetch_ConnectionResetMidBody_IsAFailureNotAnException()
    {
        var url = odd.Map(
            async ctx =>
            {
                ctx.Response.ContentType = "text/calendar";
                await ctx.Response.Body.WriteAsync(Encoding.ASCII.GetBytes(FeedBodies.Head), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                await Task.Delay(50, ctx.RequestAborted);
                ctx.Abort();
            },
            "chunked-abort"
        );

        OutboundResult<string>? result = null;
        Assert.DoesNotThrowAsync(async () => result = await FetchAsync(url));
        Assert.Multiple(() =>
        {
            Assert.That(result?.Value, Is.Null);
            Assert.That(result?.Failure?.Reason, Is.EqualTo(FeedFailureReason.Unreachable));
        });
    }

    [Test]
    public async Task Fetch_BodyThatIsNotTheCompressionItClaims_IsAFailureNotAnException()
    {
        var url = odd.Map(
            async ctx =>
            {
                ctx.Response.ContentType = "text/calendar";
                ctx.Response.Headers.ContentEncoding = "gzip";
                await ctx.Response.WriteAsync(IcsSamples.Simple(), ctx.RequestAborted);
            },
            "false-gzip"
        );

        OutboundResult<string>? result = null;
        Assert.DoesNotThrowAsync(async () => result = await FetchAsync(url));
        Assert.Multiple(() =>
        {
            Assert.That(result?.Value, Is.Null);
            Assert.That(result?.Failure, Is.Not.Null);
        });
    }

    [Test]
    public async Task Fetch_LogsTheHostButNeverThePathOrQuery()
    {
        const string secret = "s3cr3t-token-8d1f";
        var fetcher = Fetcher(("Outbound:FeedTimeout", "00:00:00.300"));
        var host = LastHost;
        var urls = new[]
        {
            feeds.Url($"status/404?token={secret}"),
            feeds.Url($"delay/2000?token={secret}"),
            feeds.Url($"redirect-loop?token={secret}"),
            feeds.Url($"samples/{secret}.ics"),
            feeds.AddFeed(secret, IcsSamples.Simple()) + $"?token={secret}",
            $"http://127.0.0.1:{LoopbackPorts.Unused()}/{secret}.ics?token={secret}",
        };

        foreach (var url in urls)
        {
            await Bounded(fetcher.FetchAsync(IcsFeedUrl.Create(url), IcsFeedFetcher.NoOwner, ReadAll, CancellationToken.None));
        }

        var entries = host.Logs.Entries;
        Assert.Multiple(() =>
        {
            Assert.That(entries, Has.Some.Contains("127.0.0.1"), "precondition: failures are logged with their host");
            Assert.That(entries, Has.None.Contains(secret));
        });
    }

    // ---- helpers ----

    /// <summary>The simplest body reader: the whole decoded text.</summary>
    private static readonly Func<TextReader, CancellationToken, Task<OutboundResult<string>>> ReadAll = async (reader, ct) =>
        OutboundResult.Ok(await reader.ReadToEndAsync(ct));

    private IIcsFeedFetcher Fetcher(params (string Key, string Value)[] settings) => Fetcher(settings, null);

    private IIcsFeedFetcher Fetcher((string Key, string Value)[] settings, Action<IServiceCollection>? configure)
    {
        var values = new Dictionary<string, string?>
        {
            ["Outbound:FeedTimeout"] = "00:00:05",
            ["Outbound:MaxFeedBytes"] = Cap.ToString(CultureInfo.InvariantCulture),
            ["Outbound:MaxRedirects"] = "5",
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        return Fetcher(values, configure);
    }

    private Task<OutboundResult<string>> FetchAsync(string url, params (string Key, string Value)[] settings) =>
        Bounded(Fetcher(settings).FetchAsync(IcsFeedUrl.Create(url), IcsFeedFetcher.NoOwner, ReadAll, CancellationToken.None));

    /// <summary>A fetch whose deadline is broken would hang the run; this turns that into a failure.</summary>
    private static Task<OutboundResult<string>> Bounded(Task<OutboundResult<string>> fetch) => fetch.WaitAsync(TimeSpan.FromSeconds(30));

    private string RawBytes(byte[] body, string contentType) =>
        odd.Map(
            async ctx =>
            {
                ctx.Response.Headers.ContentType = contentType;
                ctx.Response.ContentLength = body.Length;
                await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
            },
            "raw"
        );

    /// <summary>Writes one byte every 100 ms until the client goes away.</summary>
    private static async Task DripAsync(HttpContext ctx, Func<int> onByte)
    {
        try
        {
            while (true)
            {
                await Task.Delay(100, ctx.RequestAborted);
                await ctx.Response.Body.WriteAsync("X"u8.ToArray(), ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
                onByte();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The fetcher gave up, as it should.
        }
    }
}

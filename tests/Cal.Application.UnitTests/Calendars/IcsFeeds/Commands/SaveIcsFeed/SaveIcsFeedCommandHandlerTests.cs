using System.Collections.Concurrent;
using System.Text.Json;
using AutoMapper;
using Cal.Application.Calendars.Common;
using Cal.Application.Calendars.IcsFeeds.Commands.SaveIcsFeed;
using Cal.Application.Calendars.IcsFeeds.Common;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.UnitTests.TestSupport;
using Cal.Domain.Calendars;
using Cal.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Reader = System.Func<
    System.IO.TextReader,
    System.Threading.CancellationToken,
    System.Threading.Tasks.Task<Cal.Application.Common.Interfaces.OutboundResult<string?>>
>;

namespace Cal.Application.UnitTests.Calendars.IcsFeeds.Commands.SaveIcsFeed;

public sealed class SaveIcsFeedCommandHandlerTests
{
    private const int UserId = 7;
    private const int CredentialId = 42;
    private const string ProtectedBlob = "PROTECTED:opaque";
    private static readonly string Calendar = Ics.Calendar();

    /// <summary>How long a test waits for something that should happen at once, before it fails instead of hanging.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private Mock<IIcsFeedFetcher> fetcher = null!;
    private Mock<IIcsFeedChecker> parser = null!;

    /// <summary>What each feed serves: its text, or why it cannot be fetched. The fetcher mock streams the text into the reader it is
    /// given, as the real one does.</summary>
    private Func<IcsFeedUrl, CancellationToken, Task<OutboundResult<string>>> serve = null!;

    /// <summary>The parser's verdict per text (default: valid); every text it was given is recorded in <see cref="parsed"/>.</summary>
    private Dictionary<string, IcsCheckResult> verdicts = null!;
    private ConcurrentQueue<string> parsed = null!;
    private Mock<ISecretProtector> protector = null!;
    private Mock<ICredentialRepository> credentials = null!;
    private IcsFeedSaveOptions options = null!;
    private FakeTimeProvider time = null!;
    private ListLogger<SaveIcsFeedCommandHandler> logger = null!;

    private static readonly IMapper Mapper = TestMapper.Instance;

    [SetUp]
    public void SetUp()
    {
        serve = (_, _) => Task.FromResult(OutboundResult.Ok(Calendar));
        fetcher = new Mock<IIcsFeedFetcher>();
        fetcher
            .Setup(f => f.FetchAsync(It.IsAny<IcsFeedUrl>(), It.IsAny<int>(), It.IsAny<Reader>(), It.IsAny<CancellationToken>()))
            .Returns(
                async (IcsFeedUrl url, int owner, Reader read, CancellationToken ct) =>
                {
                    var served = await serve(url, ct);
                    return served.Failure is { } failure
                        ? OutboundResult.Failed<string?>(failure)
                        : await read(new StringReader(served.Value!), ct);
                }
            );

        verdicts = new Dictionary<string, IcsCheckResult>(StringComparer.Ordinal);
        parsed = new ConcurrentQueue<string>();
        parser = new Mock<IIcsFeedChecker>();
        parser
            .Setup(p => p.CheckAsync(It.IsAny<TextReader>(), It.IsAny<CancellationToken>()))
            .Returns(
                async (TextReader content, CancellationToken ct) =>
                {
                    var text = await content.ReadToEndAsync(ct);
                    parsed.Enqueue(text);
                    return verdicts.GetValueOrDefault(text) ?? IcsCheckResult.Valid("Work");
                }
            );

        protector = new Mock<ISecretProtector>();
        protector.Setup(p => p.Protect(It.IsAny<string>())).Returns(ProtectedBlob);

        credentials = new Mock<ICredentialRepository>();
        credentials
            .Setup(c => c.SaveIcsFeedAsync(It.IsAny<int>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((int userId, string key, CancellationToken _) => Credential.ForIcsFeed(userId, key).WithId(CredentialId));

        options = new IcsFeedSaveOptions();
        time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        logger = new ListLogger<SaveIcsFeedCommandHandler>();
    }

    private void Serve(Func<IcsFeedUrl, OutboundResult<string>> answer) => serve = (url, _) => Task.FromResult(answer(url));

    private void Serve(Func<IcsFeedUrl, CancellationToken, Task<OutboundResult<string>>> answer) => serve = answer;

    private void VerifyFetches(Times times) =>
        fetcher.Verify(
            f => f.FetchAsync(It.IsAny<IcsFeedUrl>(), It.IsAny<int>(), It.IsAny<Reader>(), It.IsAny<CancellationToken>()),
            times
        );

    private SaveIcsFeedCommandHandler CreateHandler() =>
        new(fetcher.Object, parser.Object, protector.Object, credentials.Object, Mapper, Options.Create(options), time, logger);

    private static SaveIcsFeedCommand Command(bool? readOnly, params string[] urls) => new(UserId, IcsFeedUrlsInput.Parse(urls), readOnly);

    private static SaveIcsFeedCommand Command(params string[] urls) => new(UserId, IcsFeedUrlsInput.Parse(urls), null);

    private void AssertNothingStored()
    {
        credentials.Verify(c => c.SaveIcsFeedAsync(It.IsAny<int>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        protector.Verify(p => p.Protect(It.IsAny<string>()), Times.Never);
    }

    // ---- success ----

    [Test]
    public async Task Handle_WhenAllFeedsAreUsable_StoresTheProtectedSecretOnce()
    {
        await CreateHandler().Handle(Command("https://a.example/a.ics", "https://b.example/b.ics"), CancellationToken.None);

        credentials.Verify(c => c.SaveIcsFeedAsync(UserId, ProtectedBlob, It.IsAny<CancellationToken>()), Times.Once);
        credentials.VerifyNoOtherCalls();
    }

    [Test]
    public async Task Handle_WhenAllFeedsAreUsable_ProtectsJsonWithTheUrlsInOrderAsGiven()
    {
        string? plaintext = null;
        protector.Setup(p => p.Protect(It.IsAny<string>())).Callback<string>(s => plaintext = s).Returns(ProtectedBlob);
        string[] urls = ["https://b.example/z.ics", "webcal://A.example:443/feed?token=s3cr3t&x=1", "http://c.example/a"];

        await CreateHandler().Handle(Command(urls), CancellationToken.None);

        Assert.That(plaintext, Is.Not.Null);
        using var json = JsonDocument.Parse(plaintext!);
        var stored = json.RootElement.GetProperty("urls").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.That(stored, Is.EqualTo(urls), "the URLs are stored in request order, exactly as the user gave them");
        protector.Verify(p => p.Protect(It.IsAny<string>()), Times.Once);
    }

    [TestCase(null, true)]
    [TestCase(true, true)]
    [TestCase(false, false)]
    public async Task Handle_StoresReadOnly_DefaultingToTrue(bool? readOnly, bool expected)
    {
        string? plaintext = null;
        protector.Setup(p => p.Protect(It.IsAny<string>())).Callback<string>(s => plaintext = s).Returns(ProtectedBlob);

        await CreateHandler().Handle(Command(readOnly, "https://a.example/a.ics"), CancellationToken.None);

        using var json = JsonDocument.Parse(plaintext!);
        Assert.That(json.RootElement.GetProperty("readOnly").GetBoolean(), Is.EqualTo(expected));
    }

    [Test]
    public async Task Handle_ProtectedSecret_IsReadableAsIcsFeedSettings()
    {
        string? plaintext = null;
        protector.Setup(p => p.Protect(It.IsAny<string>())).Callback<string>(s => plaintext = s).Returns(ProtectedBlob);

        await CreateHandler().Handle(Command(false, "https://a.example/a.ics", "webcal://b.example/b"), CancellationToken.None);

        var settings = IcsFeedSecretSerializer.Deserialize(plaintext!);
        Assert.Multiple(() =>
        {
            Assert.That(settings.Urls, Is.EqualTo(new[] { "https://a.example/a.ics", "webcal://b.example/b" }));
            Assert.That(settings.ReadOnly, Is.False);
        });
    }

    [Test]
    public async Task Handle_FetchesEveryFeedOnBehalfOfTheSavingUser_ForTheFairShare()
    {
        await CreateHandler().Handle(Command("https://a.example/a.ics", "https://b.example/b.ics"), CancellationToken.None);

        fetcher.Verify(
            f => f.FetchAsync(It.IsAny<IcsFeedUrl>(), UserId, It.IsAny<Reader>(), It.IsAny<CancellationToken>()),
            Times.Exactly(2)
        );
        fetcher.Verify(
            f =>
                f.FetchAsync(
                    It.IsAny<IcsFeedUrl>(),
                    It.Is<int>(owner => owner != UserId),
                    It.IsAny<Reader>(),
                    It.IsAny<CancellationToken>()
                ),
            Times.Never
        );
    }

    [Test]
    public async Task Handle_WhenAllFeedsAreUsable_ReturnsTheStoredCredential()
    {
        var result = await CreateHandler().Handle(Command("https://a.example/a.ics"), CancellationToken.None);

        Assert.That(
            result,
            Is.EqualTo(
                new CalendarCredentialDto
                {
                    Id = CredentialId,
                    Type = "ics-feed_calendar",
                    AppId = "ics-feed",
                    UserId = UserId,
                    TeamId = null,
                    Invalid = false,
                }
            )
        );
    }

    [Test]
    public async Task Handle_ReturnsWhatTheRepositoryStored_NotANewCredential()
    {
        // An existing credential keeps its id: the result must come from the repository's answer.
        credentials
            .Setup(c => c.SaveIcsFeedAsync(It.IsAny<int>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Credential.ForIcsFeed(UserId, ProtectedBlob).WithId(1234));

        var result = await CreateHandler().Handle(Command("https://a.example/a.ics"), CancellationToken.None);

        Assert.That(result.Id, Is.EqualTo(1234));
    }

    [Test]
    public async Task Handle_FetchesEveryFeedOnce_AndParsesWhatWasFetched()
    {
        Serve(u => OutboundResult.Ok("content of " + u.Host));

        await CreateHandler()
            .Handle(Command("https://a.example/a.ics", "https://b.example/b.ics", "https://c.example/c.ics"), CancellationToken.None);

        VerifyFetches(Times.Exactly(3));
        Assert.That(parsed, Has.Exactly(1).EqualTo("content of a.example"));
        Assert.That(parsed, Has.Exactly(1).EqualTo("content of b.example"));
        Assert.That(parsed, Has.Exactly(1).EqualTo("content of c.example"));
    }

    [Test]
    public async Task Handle_GivesTheFetcherWebcalUrlsRewrittenToHttps()
    {
        var fetched = new ConcurrentBag<IcsFeedUrl>();
        Serve(u =>
        {
            fetched.Add(u);
            return OutboundResult.Ok(Calendar);
        });

        await CreateHandler()
            .Handle(Command("webcal://cal.example/private/basic.ics", "WEBCAL://other.example:443/x"), CancellationToken.None);

        Assert.That(
            fetched.Select(u => u.FetchUri.AbsoluteUri),
            Is.EquivalentTo(new[] { "https://cal.example/private/basic.ics", "https://other.example/x" })
        );
    }

    // ---- failures ----

    [Test]
    public void Handle_WhenAnyFeedFails_StoresNothing()
    {
        Serve(u =>
            u.Host == "b.example"
                ? OutboundResult.Failed<string>(new FeedFailure(FeedFailureReason.Unreachable, "down"))
                : OutboundResult.Ok(Calendar)
        );

        Assert.ThrowsAsync<IcsFeedsUnusableException>(async () =>
            await CreateHandler().Handle(Command("https://a.example/a.ics", "https://b.example/b.ics"), CancellationToken.None)
        );

        AssertNothingStored();
    }

    [Test]
    public void Handle_WhenFeedsFail_ReportsEachFailingIndexWithItsReason()
    {
        var notFound = new FeedFailure(FeedFailureReason.HttpStatus, "The feed answered 404.", HttpStatus: 404);
        var unreachable = new FeedFailure(FeedFailureReason.Unreachable, "The feed's server could not be reached.");
        Serve(u =>
            u.Host switch
            {
                "b.example" => OutboundResult.Failed<string>(notFound),
                "d.example" => OutboundResult.Failed<string>(unreachable),
                _ => OutboundResult.Ok(Calendar),
            }
        );

        var ex = Assert.ThrowsAsync<IcsFeedsUnusableException>(async () =>
            await CreateHandler()
                .Handle(
                    Command("https://a.example/a.ics", "https://b.example/b.ics", "https://c.example/c.ics", "https://d.example/d.ics"),
                    CancellationToken.None
                )
        );

        Assert.That(ex.Failures, Is.EqualTo(new[] { new IndexedFeedFailure(1, notFound), new IndexedFeedFailure(3, unreachable) }));
        AssertNothingStored();
    }

    [Test]
    public void Handle_WhenAFeedDoesNotParse_ReportsItsIndex_AndStoresNothing()
    {
        var parseError = new FeedFailure(FeedFailureReason.ParseError, "Line 3 is not a property.", Line: 3);
        Serve(u => OutboundResult.Ok("content of " + u.Host));
        verdicts["content of c.example"] = IcsCheckResult.Invalid(parseError);

        var ex = Assert.ThrowsAsync<IcsFeedsUnusableException>(async () =>
            await CreateHandler()
                .Handle(Command("https://a.example/a.ics", "https://b.example/b.ics", "https://c.example/c.ics"), CancellationToken.None)
        );

        Assert.That(ex.Failures, Is.EqualTo(new[] { new IndexedFeedFailure(2, parseError) }));
        AssertNothingStored();
    }

    [Test]
    public void Handle_WithFetchAndParseFailures_ReportsBothInIndexOrder()
    {
        var timeout = new FeedFailure(FeedFailureReason.Timeout, "slow");
        var notIcal = new FeedFailure(FeedFailureReason.NotIcalendar, "This is HTML.");
        Serve(u => u.Host == "c.example" ? OutboundResult.Failed<string>(timeout) : OutboundResult.Ok("content of " + u.Host));
        verdicts["content of a.example"] = IcsCheckResult.Invalid(notIcal);

        var ex = Assert.ThrowsAsync<IcsFeedsUnusableException>(async () =>
            await CreateHandler()
                .Handle(Command("https://a.example/a.ics", "https://b.example/b.ics", "https://c.example/c.ics"), CancellationToken.None)
        );

        Assert.That(ex.Failures, Is.EqualTo(new[] { new IndexedFeedFailure(0, notIcal), new IndexedFeedFailure(2, timeout) }));
        AssertNothingStored();
    }

    [Test]
    public void Handle_WhenAFetchFails_DoesNotParseThatFeed()
    {
        Serve(_ => OutboundResult.Failed<string>(new FeedFailure(FeedFailureReason.TooLarge, "too big")));

        Assert.ThrowsAsync<IcsFeedsUnusableException>(async () =>
            await CreateHandler().Handle(Command("https://a.example/a.ics"), CancellationToken.None)
        );

        Assert.That(parsed, Is.Empty);
    }

    [Test]
    public void Handle_WhenAFeedFails_StillChecksEveryOtherFeed()
    {
        Serve(u =>
            u.Host == "a.example"
                ? OutboundResult.Failed<string>(new FeedFailure(FeedFailureReason.BlockedAddress, "private address"))
                : OutboundResult.Ok(Calendar)
        );

        Assert.ThrowsAsync<IcsFeedsUnusableException>(async () =>
            await CreateHandler()
                .Handle(Command("https://a.example/a.ics", "https://b.example/b.ics", "https://c.example/c.ics"), CancellationToken.None)
        );

        VerifyFetches(Times.Exactly(3));
    }

    // ---- concurrency and deadlines ----

    [Test]
    public async Task Handle_FetchesAllFeedsConcurrently()
    {
        const int feeds = 5;
        var started = 0;
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Serve(
            async (_, _) =>
            {
                if (Interlocked.Increment(ref started) == feeds)
                {
                    allStarted.TrySetResult();
                }

                // Each fetch finishes only once every fetch has begun: one-at-a-time fetching never gets there.
                var winner = await Task.WhenAny(allStarted.Task, Task.Delay(Patience, CancellationToken.None));
                return winner == allStarted.Task
                    ? OutboundResult.Ok(Calendar)
                    : OutboundResult.Failed<string>(new FeedFailure(FeedFailureReason.Timeout, "fetches were not concurrent"));
            }
        );
        var urls = Enumerable.Range(0, feeds).Select(i => $"https://feed{i}.example/cal.ics").ToArray();

        var result = await CreateHandler().Handle(Command(urls), CancellationToken.None).AsTask().WaitAsync(Patience * 2);

        Assert.Multiple(() =>
        {
            Assert.That(started, Is.EqualTo(feeds));
            Assert.That(result.Id, Is.EqualTo(CredentialId));
        });
    }

    [Test]
    public async Task Handle_FetchesAtMostMaxConcurrentFetchesPerSave_AtOnce()
    {
        options.MaxConcurrentFetchesPerSave = 2;
        var inFlight = 0;
        var most = 0;
        Serve(
            async (_, ct) =>
            {
                var now = Interlocked.Increment(ref inFlight);
                InterlockedMax(ref most, now);
                await Task.Delay(50, ct);
                Interlocked.Decrement(ref inFlight);
                return OutboundResult.Ok(Calendar);
            }
        );

        await CreateHandler()
            .Handle(Command(Enumerable.Range(0, 6).Select(i => $"https://feed{i}.example/cal.ics").ToArray()), CancellationToken.None);

        Assert.That(most, Is.EqualTo(2), "two at a time: never more, and not one by one");
        VerifyFetches(Times.Exactly(6));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    [Test]
    public async Task Handle_CancelsTheFetchersToken_WhenTheSaveTimeoutPasses()
    {
        options.SaveTimeout = TimeSpan.FromSeconds(3);
        var timeout = new FeedFailure(FeedFailureReason.Timeout, "took too long");
        var tokens = new ConcurrentBag<CancellationToken>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Serve(
            async (u, ct) =>
            {
                tokens.Add(ct);
                if (tokens.Count == 2)
                {
                    started.TrySetResult();
                }

                // As the real fetcher does: a cancelled fetch is a timed-out feed, not an exception.
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                    return OutboundResult.Ok(Calendar);
                }
                catch (OperationCanceledException)
                {
                    return OutboundResult.Failed<string>(timeout);
                }
            }
        );

        var handling = CreateHandler()
            .Handle(Command("https://a.example/a.ics", "https://b.example/b.ics"), CancellationToken.None)
            .AsTask();
        await started.Task.WaitAsync(Patience);

        time.Advance(TimeSpan.FromSeconds(3) - TimeSpan.FromMilliseconds(1));
        Assert.That(tokens.Any(t => t.IsCancellationRequested), Is.False, "cancelled before the save timeout");

        time.Advance(TimeSpan.FromMilliseconds(2));
        Assert.That(tokens.All(t => t.IsCancellationRequested), Is.True, "not cancelled after the save timeout");

        var ex = Assert.ThrowsAsync<IcsFeedsUnusableException>(async () => await handling.WaitAsync(Patience));
        Assert.That(ex.Failures, Is.EqualTo(new[] { new IndexedFeedFailure(0, timeout), new IndexedFeedFailure(1, timeout) }));
        AssertNothingStored();
    }

    [Test]
    public async Task Handle_SaveTimeout_BoundsTheWholeSave_NotEachFeed()
    {
        // Feed a answers after 2 s; feed b is still going at 3 s, when the 3 s deadline for the whole save ends it.
        options.SaveTimeout = TimeSpan.FromSeconds(3);
        var tokens = new ConcurrentDictionary<string, CancellationToken>();
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Serve(
            async (u, ct) =>
            {
                tokens[u.Host] = ct;
                if (tokens.Count == 2)
                {
                    bothStarted.TrySetResult();
                }

                try
                {
                    if (u.Host == "a.example")
                    {
                        await releaseA.Task.WaitAsync(ct);
                        aDone.SetResult();
                        return OutboundResult.Ok(Calendar);
                    }

                    await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                    return OutboundResult.Ok(Calendar);
                }
                catch (OperationCanceledException)
                {
                    return OutboundResult.Failed<string>(new FeedFailure(FeedFailureReason.Timeout, "took too long"));
                }
            }
        );

        var handling = CreateHandler()
            .Handle(Command("https://a.example/a.ics", "https://b.example/b.ics"), CancellationToken.None)
            .AsTask();
        await bothStarted.Task.WaitAsync(Patience);

        time.Advance(TimeSpan.FromSeconds(2));
        releaseA.SetResult();
        await aDone.Task.WaitAsync(Patience);

        // Feed a is read too before the clock moves on (else the deadline could land mid-read: a race of this test's, not the handler's).
        for (var waited = TimeSpan.Zero; parsed.IsEmpty && waited < Patience; waited += TimeSpan.FromMilliseconds(5))
        {
            await Task.Delay(5);
        }

        Assert.That(parsed, Has.Count.EqualTo(1), "feed a was read");
        Assert.That(tokens["b.example"].IsCancellationRequested, Is.False, "cancelled before the save timeout");
        time.Advance(TimeSpan.FromSeconds(1));

        var ex = Assert.ThrowsAsync<IcsFeedsUnusableException>(async () => await handling.WaitAsync(Patience));
        Assert.Multiple(() =>
        {
            Assert.That(tokens["b.example"].IsCancellationRequested, Is.True);
            Assert.That(ex.Failures.Select(f => f.Index), Is.EqualTo(new[] { 1 }));
        });
    }

    [Test]
    public void Handle_WhenTheCallerCancelsDuringFetching_ThrowsOperationCanceled_AndStoresNothing()
    {
        using var caller = new CancellationTokenSource();
        Serve(
            async (_, ct) =>
            {
                await caller.CancelAsync();
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                return OutboundResult.Ok(Calendar);
            }
        );

        Assert.That(
            async () => await CreateHandler().Handle(Command("https://a.example/a.ics"), caller.Token).AsTask().WaitAsync(Patience),
            Throws.InstanceOf<OperationCanceledException>()
        );
        AssertNothingStored();
    }

    [Test]
    public void Handle_WhenTheCallerCancels_AndTheFetcherReportsATimeout_ThrowsOperationCanceled_NotUnusableFeeds()
    {
        // The fetcher's contract turns any cancellation into a Timeout result; the handler must still tell
        // a caller who went away from a slow feed, and store nothing.
        using var caller = new CancellationTokenSource();
        Serve(
            async (_, ct) =>
            {
                await caller.CancelAsync();
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                    return OutboundResult.Ok(Calendar);
                }
                catch (OperationCanceledException)
                {
                    return OutboundResult.Failed<string>(new FeedFailure(FeedFailureReason.Timeout, "cancelled"));
                }
            }
        );

        Assert.That(
            async () => await CreateHandler().Handle(Command("https://a.example/a.ics"), caller.Token).AsTask().WaitAsync(Patience),
            Throws.InstanceOf<OperationCanceledException>()
        );
        AssertNothingStored();
    }

    [Test]
    public void Handle_WithAnAlreadyCancelledToken_StoresNothing_EvenIfEveryFeedIsFine()
    {
        using var caller = new CancellationTokenSource();
        caller.Cancel();

        Assert.That(
            async () => await CreateHandler().Handle(Command("https://a.example/a.ics"), caller.Token),
            Throws.InstanceOf<OperationCanceledException>()
        );
        AssertNothingStored();
    }

    [Test]
    public async Task Handle_PassesTheCallersTokenToTheRepository()
    {
        using var caller = new CancellationTokenSource();

        await CreateHandler().Handle(Command("https://a.example/a.ics"), caller.Token);

        credentials.Verify(c => c.SaveIcsFeedAsync(UserId, ProtectedBlob, caller.Token), Times.Once);
    }

    // ---- logs ----

    [Test]
    public async Task Handle_LogsOnlyTheHostsOfTheFeeds_NeverTheirPathsOrQueries()
    {
        await CreateHandler()
            .Handle(
                Command("https://a.example/users/alice/private-s3cr3t.ics?token=t0ps3cr3t", "webcal://b.example/x/hidden-path"),
                CancellationToken.None
            );

        var logged = logger.AllText;
        Assert.Multiple(() =>
        {
            Assert.That(logged, Does.Contain("a.example").And.Contain("b.example"));
            Assert.That(
                logged,
                Does.Not.Contain("s3cr3t").And.Not.Contain("t0ps3cr3t").And.Not.Contain("hidden-path").And.Not.Contain("alice")
            );
        });
    }

    [Test]
    public void Handle_WhenRefused_DoesNotLogTheUrls()
    {
        Serve(_ => OutboundResult.Failed<string>(new FeedFailure(FeedFailureReason.HttpStatus, "403", HttpStatus: 403)));

        Assert.ThrowsAsync<IcsFeedsUnusableException>(async () =>
            await CreateHandler().Handle(Command("https://a.example/private-s3cr3t.ics?token=t0ps3cr3t"), CancellationToken.None)
        );

        Assert.That(logger.AllText, Does.Not.Contain("s3cr3t").And.Not.Contain("token"));
    }
}

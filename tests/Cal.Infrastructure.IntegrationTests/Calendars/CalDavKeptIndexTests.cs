using System.Globalization;
using Cal.Application.Calendars.Common;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Common;
using Cal.Infrastructure.IntegrationTests.Support;
using Cal.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Cal.Infrastructure.IntegrationTests.Calendars;

/// <summary>
/// Issue #30 against a real Radicale (requests read back from its own log, bodies included): a CalDAV calendar is
/// loaded once and kept; within <c>CalDav:TimeToLive</c> nothing goes to the server; after it an unchanged calendar
/// costs one PROPFIND; one event changed costs one sync-collection and one multiget naming that event alone; a deleted
/// event is gone; a token the server no longer knows means a full reload with the right answer.
/// </summary>
[NonParallelizable]
public sealed class CalDavKeptIndexTests
{
    private const string Password = "pw-kept-4d2";
    private static readonly BusyWindow March = new(
        new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero),
        IanaTimeZone.Utc
    );

    private RadicaleServer radicale = null!;
    private TempDirectory temp = null!;
    private FakeTimeProvider clock = null!;
    private InfrastructureHost host = null!;
    private Uri calendar = null!;
    private static int calendars;

    [OneTimeSetUp]
    public void StartRadicale() =>
        radicale =
            RadicaleServer.TryStart(logContent: true, ("alice", Password))
            ?? throw new InconclusiveException("radicale is not installed (apt-get install radicale); .ci/run installs it.");

    [OneTimeTearDown]
    public void StopRadicale() => radicale?.Dispose();

    [SetUp]
    public async Task SetUp()
    {
        temp = new TempDirectory();
        clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        host = InfrastructureHost.Create(
            temp.Path,
            new Dictionary<string, string?> { ["CalDav:TimeToLive"] = "00:01:00" },
            services => services.AddSingleton<TimeProvider>(clock)
        );
        var name = "c" + Interlocked.Increment(ref calendars).ToString(CultureInfo.InvariantCulture);
        calendar = await radicale.CreateCalendarAsync("alice", name, "Kept " + name);
        for (var day = 2; day <= 6; day++)
        {
            await radicale.PutAsync("alice", calendar, $"e{day}", Event($"e{day}", day, 9));
        }
    }

    [TearDown]
    public async Task TearDown()
    {
        await host.DisposeAsync();
        temp.Dispose();
    }

    /// <summary>A one-hour event on a day of March 2026, at an hour (UTC).</summary>
    private static string Event(string uid, int day, int hour)
    {
        var start = new DateTimeOffset(2026, 3, day, hour, 0, 0, TimeSpan.Zero);
        return Ics.OneEvent(uid, start, start.AddHours(1));
    }

    private CalDavCalendarRef Ref => new(7, 1, new CalDavAccount(radicale.BaseAddress, "alice", Password), calendar.AbsoluteUri);

    private async Task<List<string>> BusyAsync()
    {
        var index = await host.Get<ICalDavCalendars>().GetIndexAsync(Ref, CancellationToken.None);
        Assert.That(index.Failure, Is.Null, index.Failure?.Message);
        return index
            .Value!.Read(March, BusyTimeBudget.Default.StartingNow(), CancellationToken.None)
            .Intervals.Select(i => i.Start.UtcDateTime.ToString("dd HH", CultureInfo.InvariantCulture))
            .ToList();
    }

    /// <summary>The requests made to this test's calendar since <paramref name="before"/> requests had been logged: method, depth and kind
    /// of REPORT.</summary>
    private async Task<List<string>> RequestsSinceAsync(int before) =>
        (await radicale.RequestsSettledAsync())
            .Skip(before)
            .Where(r => r.Path.StartsWith(calendar.AbsolutePath, StringComparison.Ordinal))
            .Select(Describe)
            .ToList();

    private static string Describe(RadicaleServer.LoggedRequest r) =>
        r.Method switch
        {
            "REPORT" when r.Content.Contains("sync-collection", StringComparison.Ordinal) => "sync-collection",
            "REPORT" when r.Content.Contains("calendar-multiget", StringComparison.Ordinal) =>
                $"multiget({System.Text.RegularExpressions.Regex.Count(r.Content, "<([A-Za-z0-9]+:)?href>")})",
            "REPORT" => "calendar-query",
            _ => $"{r.Method} {r.Depth}",
        };

    private async Task<int> LoggedAsync() => (await radicale.RequestsSettledAsync()).Count;

    [Test]
    public async Task LoadedOnce_ThenNothingWithinTheTtl_ThenOnePropfindForAnUnchangedCalendar()
    {
        var before = await LoggedAsync();
        var first = await BusyAsync();
        var loaded = await RequestsSinceAsync(before);

        before = await LoggedAsync();
        var again = await BusyAsync();
        var withinTtl = await RequestsSinceAsync(before);

        clock.Advance(TimeSpan.FromSeconds(61));
        before = await LoggedAsync();
        var afterTtl = await BusyAsync();
        var revalidated = await RequestsSinceAsync(before);

        Assert.That(first, Is.EqualTo(new[] { "02 09", "03 09", "04 09", "05 09", "06 09" }));
        Assert.That(
            loaded,
            Is.EqualTo(new[] { "PROPFIND 0", "calendar-query", "multiget(5)" }),
            "markers, a getetag listing, one multiget"
        );
        Assert.That((again, withinTtl), Is.EqualTo((first, new List<string>())), "within the time to live: from memory, nothing sent");
        Assert.That(
            (afterTtl, revalidated),
            Is.EqualTo((first, new List<string> { "PROPFIND 0" })),
            "after it: one PROPFIND says nothing changed"
        );
    }

    [Test]
    public async Task OneEventChangedOnTheServer_CostsOneSyncCollection_AndOneMultigetNamingIt()
    {
        await BusyAsync();
        await radicale.PutAsync("alice", calendar, "e4", Event("e4", 4, 15));
        clock.Advance(TimeSpan.FromSeconds(61));

        var before = await LoggedAsync();
        var busy = await BusyAsync();
        var requests = await RequestsSinceAsync(before);

        Assert.That(busy, Is.EqualTo(new[] { "02 09", "03 09", "04 15", "05 09", "06 09" }));
        Assert.That(requests, Is.EqualTo(new[] { "PROPFIND 0", "sync-collection", "multiget(1)" }));
    }

    [Test]
    public async Task AnEventDeletedOnTheServer_IsGone_WithoutFetchingAnything()
    {
        await BusyAsync();
        await radicale.DeleteAsync("alice", calendar, "e3");
        clock.Advance(TimeSpan.FromSeconds(61));

        var before = await LoggedAsync();
        var busy = await BusyAsync();

        Assert.That(busy, Is.EqualTo(new[] { "02 09", "04 09", "05 09", "06 09" }));
        Assert.That(
            await RequestsSinceAsync(before),
            Is.EqualTo(new[] { "PROPFIND 0", "sync-collection" }),
            "a removed member costs no multiget"
        );
    }

    [Test]
    public async Task ATokenTheServerNoLongerKnows_MeansAFullReload_WithTheRightAnswer()
    {
        await BusyAsync();
        radicale.ForgetSyncTokens("alice", calendar.AbsolutePath.Trim('/').Split('/')[^1]);
        await radicale.PutAsync("alice", calendar, "e7", Event("e7", 9, 11));
        clock.Advance(TimeSpan.FromSeconds(61));

        var before = await LoggedAsync();
        var busy = await BusyAsync();
        var requests = await RequestsSinceAsync(before);

        Assert.That(busy, Is.EqualTo(new[] { "02 09", "03 09", "04 09", "05 09", "06 09", "09 11" }));
        Assert.That(
            requests,
            Is.EqualTo(new[] { "PROPFIND 0", "sync-collection", "PROPFIND 0", "calendar-query", "multiget(6)" }),
            "the refused token, then the whole calendar"
        );
    }

    [Test]
    public async Task CalsOwnWrite_IsInTheIndexAtOnce_AndTheNextSyncFetchesNothingForIt()
    {
        await BusyAsync();
        var written = await host.Get<ICalDavCalendars>().PutAsync(Ref, "booking-1", Event("booking-1", 10, 13), CancellationToken.None);
        Assert.That(written.Failure, Is.Null);

        var before = await LoggedAsync();
        var atOnce = await BusyAsync();
        var nothingSent = await RequestsSinceAsync(before);
        clock.Advance(TimeSpan.FromSeconds(61));
        before = await LoggedAsync();
        var afterTtl = await BusyAsync();
        var synced = await RequestsSinceAsync(before);

        Assert.That(atOnce, Does.Contain("10 13"), "in the index as soon as the PUT answered");
        Assert.That(nothingSent, Is.Empty);
        Assert.That(afterTtl, Is.EqualTo(atOnce));
        Assert.That(
            synced,
            Is.EqualTo(new[] { "PROPFIND 0", "sync-collection" }),
            "the sync lists it with the ETag the PUT answered: not fetched"
        );

        var deleted = await host.Get<ICalDavCalendars>().DeleteAsync(Ref, written.Value!.Href, written.Value.ETag, CancellationToken.None);
        Assert.That(deleted.Failure, Is.Null);
        Assert.That(await BusyAsync(), Does.Not.Contain("10 13"), "gone from the index at once");
    }

    [Test]
    public async Task ConcurrentFirstReads_ShareOneLoad()
    {
        var before = await LoggedAsync();

        var all = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => BusyAsync()));

        Assert.That(all.Select(a => a.Count), Is.All.EqualTo(5));
        Assert.That(await RequestsSinceAsync(before), Is.EqualTo(new[] { "PROPFIND 0", "calendar-query", "multiget(5)" }));
    }
}

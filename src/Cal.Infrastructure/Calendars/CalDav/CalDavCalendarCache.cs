using System.Collections.Concurrent;
using System.Globalization;
using Cal.Application.Calendars.CalDav.Common;
using Cal.Application.Calendars.Common;
using Cal.Application.Common;
using Cal.Application.Common.Interfaces;
using Cal.Application.Common.Telemetry;
using Cal.Domain.Calendars;
using Cal.Infrastructure.Caching;
using Cal.Infrastructure.Calendars.IcsFeeds;
using Cal.Infrastructure.Ical;
using Cal.Infrastructure.Ical.BusyIndex;
using Cal.Infrastructure.Ical.Recurrence;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cal.Infrastructure.Calendars.CalDav;

/// <summary>A kept calendar's identity: the credential, its owner (so one user's calendar is never served to another), the
/// calendar.</summary>
internal readonly record struct CalDavCalendarKey(int CredentialId, int OwnerUserId, string CalendarUrl);

/// <summary>
/// One calendar as kept: its objects by href (ETag and parsed events), the change markers the server gave when they were
/// read, the busy-time index built from all of them, and when the server was last asked. Never changed once published:
/// a change builds a new one.
/// </summary>
internal sealed record KeptCalendar(
    IReadOnlyDictionary<string, CalDavObject> Objects,
    string? CTag,
    string? SyncToken,
    BusyTimeIndex Index,
    DateTimeOffset CheckedAt
)
{
    public long EstimatedBytes => Index.EstimatedBytes + Objects.Values.Sum(o => o.Parts.EstimatedBytes + (o.Href.Length * 2L) + 64);
}

/// <summary>
/// <see cref="ICalDavCalendars"/>: each CalDAV calendar's parsed objects and busy-time index in this process's memory
/// (size-limited, least recently used dropped first). Loaded once (<c>getctag</c>/<c>sync-token</c>, a <c>getetag</c>
/// listing, then <c>calendar-multiget</c> in batches; a server without multiget: one <c>calendar-query</c> with the data).
/// Served as it is within <see cref="CalDavOptions.TimeToLive"/>; after it, revalidated: a Depth-0 <c>PROPFIND</c>; unchanged,
/// served; changed, a <c>sync-collection</c> from the kept token (removed members dropped, changed ones multi-got, members
/// whose ETag is the kept one skipped); a refused token, a full reload; a server without sync-collection (or without
/// change markers), a <c>getetag</c> listing compared with what is kept. Concurrent requests share one load or
/// revalidation. Cal's own writes update the kept calendar at once from the object written and the ETag answered. A
/// write on another instance (the fleet's invalidation channel) marks the credential's calendars stale here, so the next
/// read revalidates.
/// </summary>
internal sealed partial class CalDavCalendarCache : ICalDavCalendars, IDisposable
{
    public const string Topic = "caldav";

    /// <summary>How long building an index from the objects may take after they arrived.</summary>
    private static readonly TimeSpan BuildTime = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan KeptFor = TimeSpan.FromDays(1);

    private readonly CalDavClient client;
    private readonly IOptions<CalDavOptions> options;
    private readonly FeedIndexingLimiter indexing;
    private readonly FleetInvalidation fleet;
    private readonly TimeProvider time;
    private readonly ILogger<CalDavCalendarCache> logger;
    private readonly MemoryCache kept;
    private readonly CoalescedBuilds<CalDavCalendarKey, OutboundResult<IBusyTimeIndex>> flights = new();
    private readonly ConcurrentDictionary<int, DateTimeOffset> staleBefore = new();
    private readonly ConcurrentDictionary<CalDavCalendarKey, object> writeLocks = new();

    public CalDavCalendarCache(
        CalDavClient client,
        IOptions<CalDavOptions> options,
        FeedIndexingLimiter indexing,
        FleetInvalidation fleet,
        TimeProvider time,
        ILogger<CalDavCalendarCache> logger
    )
    {
        this.client = client;
        this.options = options;
        this.indexing = indexing;
        this.fleet = fleet;
        this.time = time;
        this.logger = logger;
        kept = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.MaxIndexBytes) });
        fleet.Register(
            Topic,
            id =>
            {
                if (int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var credentialId))
                {
                    MarkStale(credentialId);
                }
            },
            MarkAllStale
        );
    }

    public async Task<OutboundResult<IBusyTimeIndex>> GetIndexAsync(CalDavCalendarRef calendar, CancellationToken cancellationToken)
    {
        var key = KeyOf(calendar);
        if (TryGet(key) is { } current && IsFresh(key, current))
        {
            CalMetrics.CalDavIndexLookups.Count("result", "hit");
            return OutboundResult.Ok<IBusyTimeIndex>(current.Index);
        }

        // One load or revalidation per calendar at a time, for every caller; it belongs to none of them (its own deadlines bound it).
        return await flights.ShareAsync(key, () => RefreshAsync(calendar, key), cancellationToken);
    }

    public async Task<OutboundResult<CalDavWritten>> PutAsync(
        CalDavCalendarRef calendar,
        string uid,
        string icalendar,
        CancellationToken cancellationToken
    )
    {
        var written = await client.PutAsync(
            calendar.Account,
            calendar.CalendarUrl,
            uid,
            icalendar,
            calendar.OwnerUserId,
            cancellationToken
        );
        if (written.Value is { } done)
        {
            var builder = new IcsIndexBuilder();
            var check = await IcsStreamingChecker.CheckAsync(new StringReader(icalendar), builder, cancellationToken);
            if (check.Failure is null)
            {
                Update(KeyOf(calendar), objects => objects[done.Href] = new CalDavObject(done.Href, done.ETag, builder.Parts()));
            }

            await fleet.PublishAsync(Topic, calendar.CredentialId.ToString(CultureInfo.InvariantCulture), andHere: false);
        }

        return written;
    }

    public async Task<OutboundResult<CalDavWritten>> DeleteAsync(
        CalDavCalendarRef calendar,
        string href,
        string? etag,
        CancellationToken cancellationToken
    )
    {
        var deleted = await client.DeleteAsync(calendar.Account, calendar.CalendarUrl, href, etag, calendar.OwnerUserId, cancellationToken);
        if (deleted.Value is not null)
        {
            Update(KeyOf(calendar), objects => objects.Remove(href));
            await fleet.PublishAsync(Topic, calendar.CredentialId.ToString(CultureInfo.InvariantCulture), andHere: false);
        }

        return deleted;
    }

    public Task InvalidateAsync(int credentialId) =>
        fleet.PublishAsync(Topic, credentialId.ToString(CultureInfo.InvariantCulture)).AsTask();

    private static CalDavCalendarKey KeyOf(CalDavCalendarRef calendar) =>
        new(calendar.CredentialId, calendar.OwnerUserId, calendar.CalendarUrl);

    private KeptCalendar? TryGet(CalDavCalendarKey key) => kept.TryGetValue(key, out KeptCalendar? calendar) ? calendar : null;

    private bool IsFresh(CalDavCalendarKey key, KeptCalendar calendar) =>
        time.GetUtcNow() - calendar.CheckedAt < options.Value.TimeToLive
        && !(staleBefore.TryGetValue(key.CredentialId, out var stale) && calendar.CheckedAt <= stale);

    private void Keep(CalDavCalendarKey key, KeptCalendar calendar) =>
        kept.Set(key, calendar, new MemoryCacheEntryOptions { Size = Math.Max(1, calendar.EstimatedBytes), SlidingExpiration = KeptFor });

    private void MarkStale(int credentialId) => staleBefore[credentialId] = time.GetUtcNow();

    private void MarkAllStale()
    {
        foreach (var credentialId in staleBefore.Keys)
        {
            MarkStale(credentialId);
        }

        kept.Compact(1.0); // what else was kept may have missed a change: read it again
    }

    /// <summary>A change Cal made itself, applied to the kept calendar (if any) at once; its markers stay, so the next revalidation still
    /// asks.</summary>
    private void Update(CalDavCalendarKey key, Action<Dictionary<string, CalDavObject>> change)
    {
        lock (writeLocks.GetOrAdd(key, _ => new object()))
        {
            if (TryGet(key) is not { } current)
            {
                return;
            }

            var objects = new Dictionary<string, CalDavObject>(current.Objects, StringComparer.Ordinal);
            change(objects);
            Keep(key, current with { Objects = objects, Index = Build(objects.Values, CancellationToken.None) });
        }
    }

    private async Task<OutboundResult<IBusyTimeIndex>> RefreshAsync(CalDavCalendarRef calendar, CalDavCalendarKey key)
    {
        var startedAt = time.GetUtcNow();
        var previous = TryGet(key);
        var refreshed = previous is null ? await LoadAsync(calendar, startedAt) : await RevalidateAsync(calendar, previous, startedAt);
        if (refreshed.Value is not { } calendarNow)
        {
            CalMetrics.CalDavIndexLookups.Count("result", "failed");
            return OutboundResult.Failed<IBusyTimeIndex>(refreshed.Failure!);
        }

        lock (writeLocks.GetOrAdd(key, _ => new object()))
        {
            // A write of Cal's own landed while this ran: keep what was read, but ask again on the next read.
            var wroteMeanwhile = previous is not null && TryGet(key) is { } latest && !ReferenceEquals(latest, previous);
            Keep(key, wroteMeanwhile ? calendarNow with { CheckedAt = DateTimeOffset.MinValue } : calendarNow);
        }

        return OutboundResult.Ok<IBusyTimeIndex>(calendarNow.Index);
    }

    /// <summary>The whole calendar: its markers, a listing of its members, then their objects in batches.</summary>
    private async Task<OutboundResult<KeptCalendar>> LoadAsync(CalDavCalendarRef calendar, DateTimeOffset startedAt)
    {
        var state = await client.StateAsync(calendar.Account, calendar.CalendarUrl, calendar.OwnerUserId, CancellationToken.None);
        if (state.Failure is { } failure)
        {
            return OutboundResult.Failed<KeptCalendar>(failure);
        }

        var members = await client.ListAsync(calendar.Account, calendar.CalendarUrl, calendar.OwnerUserId, CancellationToken.None);
        if (members.Failure is { } listingFailure)
        {
            return OutboundResult.Failed<KeptCalendar>(listingFailure);
        }

        var objects = await FetchAsync(calendar, members.Value!.Select(m => m.Href).ToList(), orAll: true);
        if (objects.Failure is { } fetchFailure)
        {
            return OutboundResult.Failed<KeptCalendar>(fetchFailure);
        }

        CalMetrics.CalDavIndexLookups.Count("result", "loaded");
        var byHref = objects
            .Value!.GroupBy(o => o.Href, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        return OutboundResult.Ok(await KeptAsync(byHref, state.Value!, startedAt));
    }

    private async Task<OutboundResult<KeptCalendar>> RevalidateAsync(
        CalDavCalendarRef calendar,
        KeptCalendar previous,
        DateTimeOffset startedAt
    )
    {
        var state = await client.StateAsync(calendar.Account, calendar.CalendarUrl, calendar.OwnerUserId, CancellationToken.None);
        if (state.Failure is { } failure)
        {
            return OutboundResult.Failed<KeptCalendar>(failure);
        }

        var markers = state.Value!;
        var unchanged = markers.CTag is not null
            ? markers.CTag == previous.CTag
            : markers.SyncToken is not null && markers.SyncToken == previous.SyncToken;
        if (unchanged)
        {
            CalMetrics.CalDavIndexLookups.Count("result", "unchanged");
            return OutboundResult.Ok(previous with { CheckedAt = startedAt });
        }

        if (
            previous.SyncToken is { } token
            && markers.SyncToken is not null
            && await SyncedAsync(calendar, previous, token, markers, startedAt) is { } synced
        )
        {
            return synced;
        }

        var members = await client.ListAsync(calendar.Account, calendar.CalendarUrl, calendar.OwnerUserId, CancellationToken.None);
        if (members.Failure is { } listingFailure)
        {
            return OutboundResult.Failed<KeptCalendar>(listingFailure);
        }

        CalMetrics.CalDavIndexLookups.Count("result", "listed");
        var listed = members.Value!.Select(m => m.Href).ToHashSet(StringComparer.Ordinal);
        var removed = previous.Objects.Keys.Where(href => !listed.Contains(href)).ToList();
        return await ApplyAsync(calendar, previous, members.Value!, removed, markers, startedAt);
    }

    /// <summary>
    /// The kept calendar brought up to date by RFC 6578 sync from its token; a refused token loads it again; null when the
    /// server has no sync-collection there (the caller compares a listing).
    /// </summary>
    private async Task<OutboundResult<KeptCalendar>?> SyncedAsync(
        CalDavCalendarRef calendar,
        KeptCalendar previous,
        string token,
        CalDavState markers,
        DateTimeOffset startedAt
    )
    {
        var synced = await client.SyncAsync(calendar.Account, calendar.CalendarUrl, token, calendar.OwnerUserId, CancellationToken.None);
        if (synced.Failure is { } syncFailure)
        {
            return OutboundResult.Failed<KeptCalendar>(syncFailure);
        }

        switch (synced.Value.Refusal)
        {
            case CalDavSyncRefusal.TokenRefused:
                LogTokenRefused(logger, calendar.CredentialId);
                return await LoadAsync(calendar, startedAt);
            case null:
                CalMetrics.CalDavIndexLookups.Count("result", "synced");
                var changes = synced.Value.Changes!;
                var at = markers with { SyncToken = changes.SyncToken };
                return await ApplyAsync(calendar, previous, changes.Changed, changes.Removed, at, startedAt);
            default:
                return null; // no sync-collection here
        }
    }

    /// <summary>The kept calendar with <paramref name="removed"/> dropped and the <paramref name="changed"/> members whose ETag is not the
    /// kept one fetched again.</summary>
    private async Task<OutboundResult<KeptCalendar>> ApplyAsync(
        CalDavCalendarRef calendar,
        KeptCalendar previous,
        IReadOnlyList<CalDavMember> changed,
        List<string> removed,
        CalDavState markers,
        DateTimeOffset startedAt
    )
    {
        var objects = new Dictionary<string, CalDavObject>(previous.Objects, StringComparer.Ordinal);
        foreach (var href in removed)
        {
            objects.Remove(href);
        }

        // A member whose ETag is the one kept (Cal's own write, answered with its ETag) is not fetched again.
        var toFetch = changed
            .Where(m => !(m.ETag is not null && objects.TryGetValue(m.Href, out var known) && known.ETag == m.ETag))
            .Select(m => m.Href)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (toFetch.Count > 0)
        {
            var fetched = await FetchAsync(calendar, toFetch, orAll: false);
            if (fetched.Failure is { } failure)
            {
                return OutboundResult.Failed<KeptCalendar>(failure);
            }

            foreach (var href in toFetch)
            {
                objects.Remove(href); // listed as changed but not answered: gone since
            }

            foreach (var o in fetched.Value!)
            {
                objects[o.Href] = o;
            }
        }

        if (removed.Count == 0 && toFetch.Count == 0)
        {
            return OutboundResult.Ok(previous with { CTag = markers.CTag, SyncToken = markers.SyncToken, CheckedAt = startedAt });
        }

        return OutboundResult.Ok(await KeptAsync(objects, markers, startedAt));
    }

    /// <summary>
    /// The objects named, in batches of <see cref="CalDavOptions.MultigetBatchSize"/>; with <paramref name="orAll"/>, a server
    /// without <c>calendar-multiget</c> is asked for the whole calendar at once instead.
    /// </summary>
    private async Task<OutboundResult<List<CalDavObject>>> FetchAsync(CalDavCalendarRef calendar, List<string> hrefs, bool orAll)
    {
        var all = new List<CalDavObject>();
        foreach (var batch in hrefs.Chunk(options.Value.MultigetBatchSize))
        {
            var fetched = await client.FetchAsync(
                calendar.Account,
                calendar.CalendarUrl,
                batch,
                calendar.OwnerUserId,
                CancellationToken.None
            );
            if (fetched.Failure is { Reason: FeedFailureReason.NotCalDav } && orAll)
            {
                return await client.FetchAsync(calendar.Account, calendar.CalendarUrl, null, calendar.OwnerUserId, CancellationToken.None);
            }

            if (fetched.Failure is not null)
            {
                return fetched;
            }

            all.AddRange(fetched.Value!);
        }

        return OutboundResult.Ok(all);
    }

    private async Task<KeptCalendar> KeptAsync(
        IReadOnlyDictionary<string, CalDavObject> objects,
        CalDavState markers,
        DateTimeOffset checkedAt
    )
    {
        using var lease = await indexing.AcquireAsync(CancellationToken.None);
        return new KeptCalendar(objects, markers.CTag, markers.SyncToken, Build(objects.Values, CancellationToken.None), checkedAt);
    }

    private BusyTimeIndex Build(IEnumerable<CalDavObject> objects, CancellationToken cancellationToken) =>
        IcsParts.Build(
            objects.Select(o => o.Parts),
            time.GetUtcNow().Year,
            ExpansionBudget.For(long.MaxValue, BuildTime, cancellationToken)
        );

    public void Dispose() => kept.Dispose();

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "CalDAV calendar of credential {CredentialId}: the server refused the kept sync token; reloading the calendar"
    )]
    private static partial void LogTokenRefused(ILogger logger, int credentialId);
}

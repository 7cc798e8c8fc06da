using System.Globalization;
using System.Net;
using System.Security;
using System.Text;
using System.Xml;
using Cal.Application.Calendars.CalDav.Common;
using Cal.Application.Common.Interfaces;
using Cal.Application.Common.Telemetry;
using Cal.Domain.Calendars;
using Cal.Infrastructure.Calendars.IcsFeeds;
using Cal.Infrastructure.Ical;
using Cal.Infrastructure.Ical.BusyIndex;
using Cal.Infrastructure.Outbound;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cal.Infrastructure.Calendars.CalDav;

/// <summary>A calendar's change markers: CalendarServer's <c>getctag</c> and RFC 6578's <c>sync-token</c> (either may be
/// missing).</summary>
internal sealed record CalDavState(string? CTag, string? SyncToken);

/// <summary>One object of a calendar as read: its href, ETag and parsed events.</summary>
internal sealed record CalDavObject(string Href, string? ETag, IcsParts Parts);

/// <summary>A member of a calendar as a listing names it: its href and ETag.</summary>
internal readonly record struct CalDavMember(string Href, string? ETag);

/// <summary>What a <c>sync-collection</c> said: members changed (or added) with their ETags, members removed, the new token.</summary>
internal sealed record CalDavChanges(List<CalDavMember> Changed, List<string> Removed, string? SyncToken);

/// <summary>A sync-collection that could not be used: the token was refused (reload), or the server has no sync-collection (list
/// instead).</summary>
internal enum CalDavSyncRefusal
{
    TokenRefused,
    Unsupported,
}

/// <summary>
/// WebDAV/CalDAV over the feeds' outbound client (every connection address-checked at connect time by the same
/// <see cref="PolicyCheckedConnector"/>): discovery of an account's calendars, and the requests a kept calendar index is
/// loaded, revalidated and written with. Each call is one <see cref="CalDavSession"/>: a fetch permit, one deadline
/// (<see cref="OutboundOptions.FeedTimeout"/>) covering every request and body, bodies capped and charged to the user's
/// byte budget. Answers are read as they stream (<see cref="MultistatusReader"/>), each object's data straight into the
/// same one-pass reader as feeds, inside the feeds' indexing limit. Only hosts are logged.
/// </summary>
internal sealed partial class CalDavClient(
    IHttpClientFactory clients,
    IOptions<OutboundOptions> options,
    IOptions<CalDavOptions> calDav,
    OutboundFetchLimiter limiter,
    FeedIndexingLimiter indexing,
    TimeProvider time,
    ILogger<CalDavClient> logger
) : ICalDavClient
{
    public const string HttpClientName = "caldav";

    private static readonly HttpMethod PropFind = new("PROPFIND");
    private static readonly HttpMethod Report = new("REPORT");

    private const string DiscoveryBody = """
        <?xml version="1.0" encoding="utf-8"?>
        <d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
          <d:prop><d:resourcetype/><d:displayname/><d:current-user-principal/><c:calendar-home-set/><c:supported-calendar-component-set/><d:current-user-privilege-set/></d:prop>
        </d:propfind>
        """;

    private const string StateBody = """
        <?xml version="1.0" encoding="utf-8"?>
        <d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:prop><cs:getctag/><d:sync-token/></d:prop></d:propfind>
        """;

    private const string ListingBody = """
        <?xml version="1.0" encoding="utf-8"?>
        <c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
          <d:prop><d:getetag/></d:prop>
          <c:filter><c:comp-filter name="VCALENDAR"/></c:filter>
        </c:calendar-query>
        """;

    private const string QueryAllBody = """
        <?xml version="1.0" encoding="utf-8"?>
        <c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
          <d:prop><d:getetag/><c:calendar-data/></d:prop>
          <c:filter><c:comp-filter name="VCALENDAR"/></c:filter>
        </c:calendar-query>
        """;

    private int MaxCalendars => calDav.Value.MaxCalendarsPerAccount;

    private int MaxObjects => calDav.Value.MaxObjectsPerCalendar;

    public Task<OutboundResult<CalDavDiscovery>> DiscoverAsync(
        CalDavAccount account,
        int ownerUserId,
        CancellationToken cancellationToken
    ) => GuardAsync(account, ownerUserId, "discovery", DiscoverAsync, cancellationToken);

    public Task<OutboundResult<IReadOnlyList<CalDavCalendar>>> ListCalendarsAsync(
        CalDavAccount account,
        string homeUrl,
        int ownerUserId,
        CancellationToken cancellationToken
    ) => GuardAsync(account, ownerUserId, "calendar list", session => ListHomeAsync(session, session.Calendar(homeUrl)), cancellationToken);

    /// <summary><c>PROPFIND</c> Depth 0 of the calendar's <c>getctag</c> and <c>sync-token</c>.</summary>
    public Task<OutboundResult<CalDavState>> StateAsync(
        CalDavAccount account,
        string calendarUrl,
        int ownerUserId,
        CancellationToken cancellationToken
    ) =>
        GuardAsync(
            account,
            ownerUserId,
            "state",
            async session =>
            {
                DavProperties? found = null;
                var failure = await MultistatusAsync(
                    session,
                    PropFind,
                    session.Calendar(calendarUrl),
                    "0",
                    StateBody,
                    r =>
                    {
                        found ??= r.Props;
                        return ValueTask.CompletedTask;
                    }
                );
                return failure is not null
                    ? OutboundResult.Failed<CalDavState>(failure)
                    : OutboundResult.Ok(new CalDavState(found?.CTag, found?.SyncToken));
            },
            cancellationToken
        );

    /// <summary>Every member of the calendar with its ETag (<c>calendar-query</c> asking for <c>getetag</c> only).</summary>
    public Task<OutboundResult<List<CalDavMember>>> ListAsync(
        CalDavAccount account,
        string calendarUrl,
        int ownerUserId,
        CancellationToken cancellationToken
    ) =>
        GuardAsync(
            account,
            ownerUserId,
            "listing",
            async session =>
            {
                var calendar = session.Calendar(calendarUrl);
                var members = new List<CalDavMember>();
                var failure = await MultistatusAsync(
                    session,
                    Report,
                    calendar,
                    "1",
                    ListingBody,
                    r =>
                    {
                        if (MemberHref(calendar, r.Href) is { } href && r.Status is null or (>= 200 and < 300))
                        {
                            members.Add(new CalDavMember(href, r.Props.ETag));
                            TooMany(members.Count);
                        }

                        return ValueTask.CompletedTask;
                    }
                );
                return failure is not null ? OutboundResult.Failed<List<CalDavMember>>(failure) : OutboundResult.Ok(members);
            },
            cancellationToken
        );

    /// <summary>
    /// The objects named (<c>calendar-multiget</c>), or every object of the calendar when <paramref name="hrefs"/> is null
    /// (<c>calendar-query</c> asking for the data), each read by the one-pass reader as it arrives.
    /// </summary>
    public Task<OutboundResult<List<CalDavObject>>> FetchAsync(
        CalDavAccount account,
        string calendarUrl,
        IReadOnlyList<string>? hrefs,
        int ownerUserId,
        CancellationToken cancellationToken
    ) =>
        GuardAsync(
            account,
            ownerUserId,
            hrefs is null ? "query" : "multiget",
            async session =>
            {
                var calendar = session.Calendar(calendarUrl);
                var objects = new List<CalDavObject>();
                FeedFailure? unreadable = null;
                // read into the index as it arrives: the feeds' indexing limit
                using var lease = await indexing.AcquireAsync(session.Cancellation);
                var failure = await MultistatusAsync(
                    session,
                    Report,
                    calendar,
                    "1",
                    hrefs is null ? QueryAllBody : MultigetBody(hrefs),
                    r =>
                    {
                        if (r.CalendarData is ParsedObject parsed && MemberHref(calendar, r.Href) is { } href)
                        {
                            if (parsed.Failure is not null)
                            {
                                unreadable ??= parsed.Failure;
                            }
                            else
                            {
                                objects.Add(new CalDavObject(href, r.Props.ETag, parsed.Parts!));
                                TooMany(objects.Count);
                            }
                        }

                        return ValueTask.CompletedTask;
                    },
                    ParseObjectAsync(session.Cancellation)
                );
                return (failure ?? unreadable) is { } failed
                    ? OutboundResult.Failed<List<CalDavObject>>(failed)
                    : OutboundResult.Ok(objects);
            },
            cancellationToken
        );

    /// <summary>
    /// RFC 6578 <c>sync-collection</c> from <paramref name="syncToken"/> (asked again with each new token while the server
    /// answers 507, a truncated answer). A refused token or a server without it is a <see cref="CalDavSyncRefusal"/>.
    /// </summary>
    public Task<OutboundResult<(CalDavChanges? Changes, CalDavSyncRefusal? Refusal)>> SyncAsync(
        CalDavAccount account,
        string calendarUrl,
        string syncToken,
        int ownerUserId,
        CancellationToken cancellationToken
    ) => GuardAsync(account, ownerUserId, "sync", session => SyncRoundsAsync(session, calendarUrl, syncToken), cancellationToken);

    private async Task<OutboundResult<(CalDavChanges? Changes, CalDavSyncRefusal? Refusal)>> SyncRoundsAsync(
        CalDavSession session,
        string calendarUrl,
        string syncToken
    )
    {
        var calendar = session.Calendar(calendarUrl);
        var changes = new CalDavChanges([], [], syncToken);
        for (var round = 0; ; round++)
        {
            var (ended, truncated) = await SyncRoundAsync(session, calendar, changes);
            if (ended is not null)
            {
                return ended;
            }

            changes = changes with { SyncToken = truncated.Token ?? changes.SyncToken };
            if (!truncated.More || round >= 100)
            {
                return OutboundResult.Ok<(CalDavChanges?, CalDavSyncRefusal?)>((changes, null));
            }
        }
    }

    /// <summary>
    /// One <c>sync-collection</c> from the changes' token, adding what it reports to them: the answer's new token and whether
    /// it was truncated (507, more from the new token), or the end of the sync (a refusal or a failure).
    /// </summary>
    private async Task<(OutboundResult<(CalDavChanges?, CalDavSyncRefusal?)>? Ended, (string? Token, bool More) Round)> SyncRoundAsync(
        CalDavSession session,
        Uri calendar,
        CalDavChanges changes
    )
    {
        var body = $"""
            <?xml version="1.0" encoding="utf-8"?>
            <d:sync-collection xmlns:d="DAV:"><d:sync-token>{SecurityElement.Escape(
                changes.SyncToken
            )}</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>
            """;
        var (response, _, redirectFailure) = await session.SendAsync(Report, calendar, "0", Xml(body));
        using (response)
        {
            if (redirectFailure is not null)
            {
                return (OutboundResult.Failed<(CalDavChanges?, CalDavSyncRefusal?)>(redirectFailure), default);
            }

            if (await SyncRefusalAsync(session, response!) is { } refusal)
            {
                return (OutboundResult.Ok<(CalDavChanges?, CalDavSyncRefusal?)>((null, refusal)), default);
            }

            if (CalDavSession.MultistatusFailure(response!, Report) is { } failure)
            {
                return (OutboundResult.Failed<(CalDavChanges?, CalDavSyncRefusal?)>(failure), default);
            }

            var truncated = false;
            await using var stream = await session.BodyAsync(response!);
            var token = await MultistatusReader.ReadAsync(
                stream,
                r =>
                {
                    if (r.Status == 507)
                    {
                        truncated = true; // the collection itself: more changes follow from the new token
                    }
                    else if (MemberHref(calendar, r.Href) is { } href)
                    {
                        if (r.Status == 404)
                        {
                            changes.Removed.Add(href);
                        }
                        else
                        {
                            changes.Changed.Add(new CalDavMember(href, r.Props.ETag));
                        }

                        TooMany(changes.Changed.Count + changes.Removed.Count);
                    }

                    return ValueTask.CompletedTask;
                }
            );
            return (null, (token, truncated));
        }
    }

    /// <summary>Creates one object (<c>If-None-Match: *</c>); one already there with that name is Cal's own earlier write.</summary>
    public Task<OutboundResult<CalDavWritten>> PutAsync(
        CalDavAccount account,
        string calendarUrl,
        string uid,
        string icalendar,
        int ownerUserId,
        CancellationToken cancellationToken
    ) => GuardAsync(account, ownerUserId, "put", session => PutOneAsync(session, calendarUrl, uid, icalendar), cancellationToken);

    private static async Task<OutboundResult<CalDavWritten>> PutOneAsync(
        CalDavSession session,
        string calendarUrl,
        string uid,
        string icalendar
    )
    {
        var calendar = session.Calendar(calendarUrl);
        var target = new Uri(calendar, Uri.EscapeDataString(uid) + ".ics");
        var content = new StringContent(icalendar, Encoding.UTF8, "text/calendar");
        var (response, _, redirectFailure) = await session.SendAsync(
            HttpMethod.Put,
            target,
            null,
            content,
            h => h.IfNoneMatch.ParseAdd("*"),
            idempotent: true
        );
        using (response)
        {
            if (redirectFailure is not null)
            {
                return OutboundResult.Failed<CalDavWritten>(redirectFailure);
            }

            return response!.StatusCode switch
            {
                HttpStatusCode.Created or HttpStatusCode.NoContent or HttpStatusCode.OK => OutboundResult.Ok(
                    new CalDavWritten(target.AbsoluteUri, response.Headers.ETag?.ToString())
                ),
                // written before (a retried write)
                HttpStatusCode.PreconditionFailed => OutboundResult.Ok(new CalDavWritten(target.AbsoluteUri, null)),
                _ => WriteRefused((int)response.StatusCode, "store", "PUT"),
            };
        }
    }

    /// <summary>A write the server did not do: 401/403 refused (<paramref name="action"/> the event), else its status.</summary>
    private static OutboundResult<CalDavWritten> WriteRefused(int status, string action, string method) =>
        OutboundResult.Failed<CalDavWritten>(
            status is 401 or 403
                ? new FeedFailure(
                    FeedFailureReason.Unauthorized,
                    $"The calendar server refused to {action} the event (HTTP {status}).",
                    HttpStatus: status
                )
                : new FeedFailure(
                    FeedFailureReason.HttpStatus,
                    $"The calendar server answered HTTP {status} to the event's {method}.",
                    HttpStatus: status
                )
        );

    /// <summary>Deletes one object (<c>If-Match</c> its ETag when known): 404 and 412 (gone, or changed by its owner since) count as
    /// done.</summary>
    public Task<OutboundResult<CalDavWritten>> DeleteAsync(
        CalDavAccount account,
        string calendarUrl,
        string href,
        string? etag,
        int ownerUserId,
        CancellationToken cancellationToken
    ) => GuardAsync(account, ownerUserId, "delete", session => DeleteOneAsync(session, calendarUrl, href, etag), cancellationToken);

    private static async Task<OutboundResult<CalDavWritten>> DeleteOneAsync(
        CalDavSession session,
        string calendarUrl,
        string href,
        string? etag
    )
    {
        session.Calendar(calendarUrl);
        var target = new Uri(href);
        if (!session.IsTrusted(target))
        {
            return OutboundResult.Failed<CalDavWritten>(
                new FeedFailure(FeedFailureReason.BlockedAddress, "The event is not on the calendar's server.")
            );
        }

        var (response, _, redirectFailure) = await session.SendAsync(
            HttpMethod.Delete,
            target,
            null,
            null,
            h =>
            {
                if (etag is not null)
                {
                    h.TryAddWithoutValidation("If-Match", etag);
                }
            }
        );
        using (response)
        {
            if (redirectFailure is not null)
            {
                return OutboundResult.Failed<CalDavWritten>(redirectFailure);
            }

            return response!.StatusCode switch
            {
                HttpStatusCode.OK
                or HttpStatusCode.NoContent
                or HttpStatusCode.Accepted
                or HttpStatusCode.NotFound
                or HttpStatusCode.Gone
                or HttpStatusCode.PreconditionFailed => OutboundResult.Ok(new CalDavWritten(target.AbsoluteUri, null)),
                _ => WriteRefused((int)response.StatusCode, "delete", "DELETE"),
            };
        }
    }

    private async Task<OutboundResult<CalDavDiscovery>> DiscoverAsync(CalDavSession session)
    {
        var (first, failure) = await EntryAsync(session);
        if (failure is not null)
        {
            return OutboundResult.Failed<CalDavDiscovery>(
                failure.Reason is FeedFailureReason.HttpStatus ? NotCalDav("The server does not answer CalDAV's PROPFIND.") : failure
            );
        }

        var (resource, here) = first!.Value;
        if (resource is not null && IsEventCalendar(resource.Props))
        {
            return session.IsTrusted(here)
                ? OutboundResult.Ok(new CalDavDiscovery([CalendarOf(resource, here)], null))
                : OutboundResult.Failed<CalDavDiscovery>(NotTrusted());
        }

        if (session.IsRefusedScheme(here, resource?.Props.HomeHref) || session.IsRefusedScheme(here, resource?.Props.PrincipalHref))
        {
            return OutboundResult.Failed<CalDavDiscovery>(NotTrusted());
        }

        var (home, homeFailure) = session.Resolve(here, resource?.Props.HomeHref, trust: true) is { } named
            ? (named, null)
            : await HomeOfPrincipalAsync(session, session.Resolve(here, resource?.Props.PrincipalHref, trust: true));
        if (homeFailure is not null)
        {
            return OutboundResult.Failed<CalDavDiscovery>(homeFailure);
        }

        if (!session.IsTrusted(home!))
        {
            return OutboundResult.Failed<CalDavDiscovery>(NotTrusted());
        }

        var listed = await ListHomeAsync(session, home!);
        return listed.Failure is { } listingFailure
            ? OutboundResult.Failed<CalDavDiscovery>(listingFailure)
            : OutboundResult.Ok(new CalDavDiscovery(listed.Value!, home!.AbsoluteUri));
    }

    /// <summary>
    /// The account's URL answered; not a DAV resource itself (a bare server address, a page, a path this account may not
    /// read): the server's well-known entry point, RFC 6764. Refused there too, the first refusal (a 403) is the answer.
    /// </summary>
    private static async Task<((DavResponse? Response, Uri Url)? Answer, FeedFailure? Failure)> EntryAsync(CalDavSession session)
    {
        var start = session.Account.ServerUrl;
        var (first, failure) = await PropFindOneAsync(session, start);
        if (
            failure is { } notHere
            && notHere.HttpStatus != 401
            && notHere.Reason is not FeedFailureReason.BlockedAddress and not FeedFailureReason.Timeout
        )
        {
            (first, failure) = await PropFindOneAsync(session, new Uri(start, "/.well-known/caldav"));
            if (failure is not null && notHere.Reason == FeedFailureReason.Unauthorized)
            {
                failure = notHere;
            }
        }

        return (first, failure);
    }

    /// <summary>The calendar home the account's principal names (no home named where the account answered).</summary>
    private static async Task<(Uri? Home, FeedFailure? Failure)> HomeOfPrincipalAsync(CalDavSession session, Uri? principal)
    {
        if (principal is null)
        {
            return (null, NotCalDav("The server named no principal for this account."));
        }

        var (answer, failure) = await PropFindOneAsync(session, principal);
        if (failure is not null)
        {
            return (null, failure);
        }

        if (session.IsRefusedScheme(answer!.Value.Url, answer.Value.Response?.Props.HomeHref))
        {
            return (null, NotTrusted());
        }

        return session.Resolve(answer.Value.Url, answer.Value.Response?.Props.HomeHref, trust: true) is { } home
            ? (home, null)
            : (null, NotCalDav("The account's principal names no calendar home."));
    }

    /// <summary>The home's event calendars (<c>PROPFIND</c> Depth 1): only those the password may go to, at most
    /// <see cref="CalDavOptions.MaxCalendarsPerAccount"/>.</summary>
    private async Task<OutboundResult<IReadOnlyList<CalDavCalendar>>> ListHomeAsync(CalDavSession session, Uri home)
    {
        var calendars = new List<CalDavCalendar>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var tooMany = false;
        Uri? answeredFrom = null;
        var failure = await MultistatusAsync(
            session,
            PropFind,
            home,
            "1",
            DiscoveryBody,
            r =>
            {
                if (
                    IsEventCalendar(r.Props)
                    && answeredFrom is not null
                    && session.Resolve(answeredFrom, r.Href, trust: false) is { } url
                    && session.IsTrusted(url)
                    && seen.Add(url.AbsoluteUri)
                )
                {
                    tooMany |= calendars.Count >= MaxCalendars;
                    if (!tooMany)
                    {
                        calendars.Add(CalendarOf(r, url));
                    }
                }

                return ValueTask.CompletedTask;
            },
            answered: url => answeredFrom = url
        );
        if (failure is not null)
        {
            return OutboundResult.Failed<IReadOnlyList<CalDavCalendar>>(failure);
        }

        return tooMany
            ? OutboundResult.Failed<IReadOnlyList<CalDavCalendar>>(
                new FeedFailure(
                    FeedFailureReason.TooLarge,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"The account has more than {MaxCalendars} calendars (CalDav:MaxCalendarsPerAccount)."
                    )
                )
            )
            : OutboundResult.Ok<IReadOnlyList<CalDavCalendar>>(calendars);
    }

    /// <summary>A <c>PROPFIND</c> Depth 0 of the discovery properties: the resource's first response and the URL that answered.</summary>
    private static async Task<((DavResponse? Response, Uri Url)? Answer, FeedFailure? Failure)> PropFindOneAsync(
        CalDavSession session,
        Uri url
    )
    {
        DavResponse? first = null;
        Uri answeredFrom = url;
        var failure = await MultistatusAsync(
            session,
            PropFind,
            url,
            "0",
            DiscoveryBody,
            r =>
            {
                first ??= r;
                return ValueTask.CompletedTask;
            },
            answered: u => answeredFrom = u
        );
        return failure is not null ? (null, failure) : ((first, answeredFrom), null);
    }

    /// <summary>Sends one multistatus request and streams its answer through <paramref name="onResponse"/>; the failure, or null.</summary>
    private static async Task<FeedFailure?> MultistatusAsync(
        CalDavSession session,
        HttpMethod method,
        Uri url,
        string depth,
        string body,
        Func<DavResponse, ValueTask> onResponse,
        Func<string?, TextReader, Task<object?>>? calendarData = null,
        Action<Uri>? answered = null
    )
    {
        var (response, answeredFrom, redirectFailure) = await session.SendAsync(method, url, depth, Xml(body));
        using (response)
        {
            if (redirectFailure is not null)
            {
                return redirectFailure;
            }

            if (CalDavSession.MultistatusFailure(response!, method) is { } failure)
            {
                return failure;
            }

            answered?.Invoke(answeredFrom);
            await using var stream = await session.BodyAsync(response!);
            await MultistatusReader.ReadAsync(stream, onResponse, calendarData);
            return null;
        }
    }

    /// <summary>A refused token (403/409 with <c>valid-sync-token</c>) or a server without sync-collection; null otherwise.</summary>
    private static async Task<CalDavSyncRefusal?> SyncRefusalAsync(CalDavSession session, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status is 403 or 409 or 400)
        {
            await using var stream = await session.BodyAsync(response);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var buffer = new char[16 * 1024];
            var read = await reader.ReadBlockAsync(buffer, session.Cancellation);
            if (buffer.AsSpan(0, read).Contains("valid-sync-token", StringComparison.Ordinal))
            {
                return CalDavSyncRefusal.TokenRefused;
            }

            return status == 403 ? null : CalDavSyncRefusal.Unsupported; // a plain 403 is the account's refusal
        }

        return status is 405 or 501 or 404 ? CalDavSyncRefusal.Unsupported : null;
    }

    /// <summary>Reads each <c>calendar-data</c> as it streams in, by the feeds' one-pass checker and index builder.</summary>
    private static Func<string?, TextReader, Task<object?>> ParseObjectAsync(CancellationToken cancellationToken) =>
        async (_, text) =>
        {
            var builder = new IcsIndexBuilder();
            var check = await IcsStreamingChecker.CheckAsync(text, builder, cancellationToken);
            return check.Failure is { } failure ? new ParsedObject(null, failure) : new ParsedObject(builder.Parts(), null);
        };

    private sealed record ParsedObject(IcsParts? Parts, FeedFailure? Failure);

    /// <summary>A member's href as an absolute URL on the calendar's origin (members elsewhere are not the calendar's).</summary>
    private static string? MemberHref(Uri calendar, string? href) =>
        href is not null
        && Uri.TryCreate(calendar, href, out var url)
        && CalDavSession.Origin(url) == CalDavSession.Origin(calendar)
        && !string.Equals(url.AbsolutePath.TrimEnd('/'), calendar.AbsolutePath.TrimEnd('/'), StringComparison.Ordinal)
            ? url.AbsoluteUri
            : null;

    private void TooMany(int count)
    {
        if (count > MaxObjects)
        {
            throw new FeedTooLargeException(MaxObjects);
        }
    }

    private static string MultigetBody(IReadOnlyList<string> hrefs)
    {
        var body = new StringBuilder(
            """<?xml version="1.0" encoding="utf-8"?><c:calendar-multiget xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/><c:calendar-data/></d:prop>"""
        );
        foreach (var href in hrefs)
        {
            body.Append("<d:href>").Append(SecurityElement.Escape(new Uri(href).AbsolutePath)).Append("</d:href>");
        }

        return body.Append("</c:calendar-multiget>").ToString();
    }

    private static StringContent Xml(string body) => new(body, Encoding.UTF8, "application/xml");

    /// <summary>A calendar collection that holds events (a server that does not say which components it takes holds them all).</summary>
    private static bool IsEventCalendar(DavProperties props) =>
        props.IsCalendar
        && (
            props.Components is null
            || props.Components.Count == 0
            || props.Components.Any(c => string.Equals(c, "VEVENT", StringComparison.OrdinalIgnoreCase))
        );

    private static CalDavCalendar CalendarOf(DavResponse response, Uri url)
    {
        var name = response.Props.DisplayName ?? Uri.UnescapeDataString(url.AbsolutePath.TrimEnd('/').Split('/')[^1]);
        return new CalDavCalendar(url.AbsoluteUri, name, ReadOnly: response.Props.CanWrite == false);
    }

    private static FeedFailure NotCalDav(string message) => new(FeedFailureReason.NotCalDav, message);

    private static FeedFailure NotTrusted() =>
        NotCalDav(
            "The server named its calendars at an address the account's password may not go to (another origin reached by a redirect, or "
                + "http for an https account)."
        );

    /// <summary>One call's permit, deadline (every request and body) and failure mapping, as the feed fetcher's.</summary>
    private async Task<OutboundResult<T>> GuardAsync<T>(
        CalDavAccount account,
        int ownerUserId,
        string operation,
        Func<CalDavSession, Task<OutboundResult<T>>> call,
        CancellationToken cancellationToken
    )
    {
        var limits = options.Value;
        var host = account.ServerUrl.Host;
        if (await limiter.TryAcquireAsync(ownerUserId, limits.MaxFetchQueueTime, time, cancellationToken) is not { } lease)
        {
            return OutboundResult.Failed<T>(
                new FeedFailure(FeedFailureReason.Timeout, "The server was too busy to reach the calendar server; try again.")
            );
        }

        using var permit = lease;
        using var deadline = new CancellationTokenSource(limits.FeedTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        OutboundResult<T> result;
        try
        {
            result = await call(
                new CalDavSession(clients.CreateClient(HttpClientName), limiter, account, ownerUserId, limits, linked.Token)
            );
        }
        catch (Exception ex) when (FailureOf(ex, limits) is { } failure)
        {
            result = OutboundResult.Failed<T>(failure);
        }

        var outcome = result.Failure is { } failed ? FeedFailure.WireName(failed.Reason) : "ok";
        CalMetrics.FeedsFetched.Count("outcome", outcome);
        if (result.Failure is not null)
        {
            LogFailed(logger, operation, host, outcome);
        }

        return result;
    }

    /// <summary>What an exception of a call means for the caller; null for one that is a bug (it propagates).</summary>
    private FeedFailure? FailureOf(Exception exception, OutboundOptions limits) =>
        exception switch
        {
            OperationCanceledException => new FeedFailure(
                FeedFailureReason.Timeout,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The calendar server did not answer completely within {limits.FeedTimeout.TotalSeconds:0.###} s."
                )
            ),
            HttpRequestException { InnerException: OutboundAddressBlockedException blocked } => new FeedFailure(
                FeedFailureReason.BlockedAddress,
                $"The calendar server's host resolves to a {blocked.Reason} address, which Cal does not connect to."
            ),
            HttpRequestException => new FeedFailure(FeedFailureReason.Unreachable, "The calendar server could not be reached."),
            FeedTooLargeException => new FeedFailure(
                FeedFailureReason.TooLarge,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"The calendar server's answer is larger than {limits.MaxFeedBytes} bytes, or names more than {MaxObjects} objects."
                )
            ),
            FetchBudgetExceededException => new FeedFailure(
                FeedFailureReason.RateLimited,
                OutboundLimits.RateLimitedMessage("calendars", limits.MaxBytesPerUserPerMinute)
            ),
            XmlException => NotCalDav("The server's answer is not the XML CalDAV answers with."),
            InvalidDataException => NotCalDav("The server's compressed answer could not be decompressed."),
            IOException => new FeedFailure(
                FeedFailureReason.Unreachable,
                "The calendar server closed the connection before its whole answer arrived."
            ),
            _ => null,
        };

    [LoggerMessage(Level = LogLevel.Information, Message = "CalDAV {Operation} on {Host} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string operation, string host, string reason);
}

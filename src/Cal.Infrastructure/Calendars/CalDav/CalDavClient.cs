using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Cal.Application.Calendars.Common;
using Cal.Application.Common.Interfaces;
using Cal.Application.Common.Telemetry;
using Cal.Domain.Calendars;
using Cal.Infrastructure.Ical;
using Cal.Infrastructure.Ical.BusyIndex;
using Cal.Infrastructure.Ical.Recurrence;
using Cal.Infrastructure.Outbound;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cal.Infrastructure.Calendars.CalDav;

/// <summary>
/// WebDAV/CalDAV over the feeds' outbound client: every connection is address-checked at connect time (the same
/// <see cref="PolicyCheckedConnector"/>), redirects are followed here (each hop counted, and the password is sent to a
/// redirect target only on an origin the account already trusts), one deadline covers each call, bodies are capped at
/// <see cref="OutboundOptions.MaxFeedBytes"/> and charged to the user's byte budget. Only hosts are logged.
/// </summary>
internal sealed partial class CalDavClient(
    IHttpClientFactory clients,
    IOptions<OutboundOptions> options,
    OutboundFetchLimiter limiter,
    TimeProvider time,
    ILogger<CalDavClient> logger) : ICalDavClient
{
    public const string HttpClientName = "caldav";

    private static readonly XNamespace Dav = "DAV:";
    private static readonly XNamespace Caldav = "urn:ietf:params:xml:ns:caldav";
    private static readonly HttpMethod PropFind = new("PROPFIND");
    private static readonly HttpMethod Report = new("REPORT");

    /// <summary>How long reading the returned objects into an index may take after they arrived.</summary>
    private static readonly TimeSpan BuildTime = TimeSpan.FromSeconds(5);

    /// <summary>Floating and all-day times are compared by the server in UTC: a day each side covers every zone.</summary>
    private static readonly TimeSpan FloatingMargin = TimeSpan.FromDays(1);

    private const string DiscoveryBody = """
        <?xml version="1.0" encoding="utf-8"?>
        <d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
          <d:prop><d:resourcetype/><d:displayname/><d:current-user-principal/><c:calendar-home-set/><c:supported-calendar-component-set/><d:current-user-privilege-set/></d:prop>
        </d:propfind>
        """;

    public Task<FeedFetchResult<IReadOnlyList<CalDavCalendar>>> DiscoverAsync(CalDavAccount account, int ownerUserId, CancellationToken cancellationToken) =>
        GuardAsync(account, ownerUserId, "discovery", session => DiscoverAsync(session), cancellationToken);

    public Task<FeedFetchResult<IBusyTimeIndex>> QueryAsync(CalDavAccount account, string calendarUrl, BusyWindow window, int ownerUserId, CancellationToken cancellationToken) =>
        GuardAsync(account, ownerUserId, "report", async session =>
        {
            var calendar = new Uri(calendarUrl);
            session.Trust(calendar); // named by the account's own server when it was discovered
            var from = (window.From - FloatingMargin).UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            var to = (window.To + FloatingMargin).UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            var body = $"""
                <?xml version="1.0" encoding="utf-8"?>
                <c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
                  <d:prop><c:calendar-data/></d:prop>
                  <c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="{from}" end="{to}"/></c:comp-filter></c:comp-filter></c:filter>
                </c:calendar-query>
                """;
            var answer = await session.SendAsync(Report, calendar, depth: "1", body);
            if (answer.Failure is { } failure)
            {
                return FeedFetchResult.Failed<IBusyTimeIndex>(failure);
            }

            // Every object, as the server stored it, read by the same one-pass reader as feeds (overrides, zones, RANGE).
            var text = new StringBuilder();
            foreach (var data in answer.Document!.Descendants(Caldav + "calendar-data"))
            {
                text.Append(data.Value.Trim()).Append("\r\n");
            }

            var builder = new IcsIndexBuilder();
            if (text.Length > 0)
            {
                var check = await IcsStreamingChecker.CheckAsync(new StringReader(text.ToString()), builder, session.Cancellation);
                if (check.Failure is { } unreadable)
                {
                    return FeedFetchResult.Failed<IBusyTimeIndex>(unreadable);
                }
            }

            return FeedFetchResult.Ok<IBusyTimeIndex>(builder.Build(time.GetUtcNow().Year, ExpansionBudget.For(long.MaxValue, BuildTime, session.Cancellation)));
        }, cancellationToken);

    private static async Task<FeedFetchResult<IReadOnlyList<CalDavCalendar>>> DiscoverAsync(Session session)
    {
        var start = session.Account.ServerUrl;
        var first = await session.SendAsync(PropFind, start, depth: "0", DiscoveryBody);
        if (first.Failure is { } notHere && notHere.HttpStatus != 401 && notHere.Reason is not FeedFailureReason.BlockedAddress and not FeedFailureReason.Timeout)
        {
            // Not a DAV resource itself (a bare server address, a page, a path this account may not read): the server's
            // well-known entry point, RFC 6764. Refused there too, the first refusal (a 403) is the answer.
            first = await session.SendAsync(PropFind, new Uri(start, "/.well-known/caldav"), depth: "0", DiscoveryBody);
            if (first.Failure is not null && notHere.Reason == FeedFailureReason.Unauthorized)
            {
                first = first with { Failure = notHere };
            }
        }

        if (first.Failure is { } failure)
        {
            return FeedFetchResult.Failed<IReadOnlyList<CalDavCalendar>>(failure.Reason is FeedFailureReason.HttpStatus ? NotCalDav("The server does not answer CalDAV's PROPFIND.") : failure);
        }

        var resource = first.Document!.Descendants(Dav + "response").FirstOrDefault();
        var here = first.Url!;
        if (resource is not null && IsCalendar(resource))
        {
            return FeedFetchResult.Ok<IReadOnlyList<CalDavCalendar>>([CalendarOf(resource, here)]);
        }

        var home = HrefOf(resource, Caldav + "calendar-home-set", here);
        if (home is null)
        {
            var principal = HrefOf(resource, Dav + "current-user-principal", here);
            if (principal is null)
            {
                return FeedFetchResult.Failed<IReadOnlyList<CalDavCalendar>>(NotCalDav("The server named no principal for this account."));
            }

            session.Trust(principal);
            var principalAnswer = await session.SendAsync(PropFind, principal, depth: "0", DiscoveryBody);
            if (principalAnswer.Failure is { } principalFailure)
            {
                return FeedFetchResult.Failed<IReadOnlyList<CalDavCalendar>>(principalFailure);
            }

            home = HrefOf(principalAnswer.Document!.Descendants(Dav + "response").FirstOrDefault(), Caldav + "calendar-home-set", principalAnswer.Url!);
            if (home is null)
            {
                return FeedFetchResult.Failed<IReadOnlyList<CalDavCalendar>>(NotCalDav("The account's principal names no calendar home."));
            }
        }

        session.Trust(home);
        var listing = await session.SendAsync(PropFind, home, depth: "1", DiscoveryBody);
        if (listing.Failure is { } listingFailure)
        {
            return FeedFetchResult.Failed<IReadOnlyList<CalDavCalendar>>(listingFailure);
        }

        var calendars = listing.Document!.Descendants(Dav + "response")
            .Where(IsCalendar)
            .Select(r => CalendarOf(r, listing.Url!))
            .DistinctBy(c => c.Url, StringComparer.Ordinal)
            .ToList();
        return FeedFetchResult.Ok<IReadOnlyList<CalDavCalendar>>(calendars);
    }

    /// <summary>A calendar collection that holds events (a server that does not say which components it takes holds them all).</summary>
    private static bool IsCalendar(XElement response)
    {
        var props = OkProps(response).ToList();
        var isCalendar = props.Elements(Dav + "resourcetype").Elements(Caldav + "calendar").Any();
        var components = props.Elements(Caldav + "supported-calendar-component-set").Elements(Caldav + "comp").Select(c => (string?)c.Attribute("name")).ToList();
        return isCalendar && (components.Count == 0 || components.Any(c => string.Equals(c, "VEVENT", StringComparison.OrdinalIgnoreCase)));
    }

    private static CalDavCalendar CalendarOf(XElement response, Uri baseUrl)
    {
        var url = new Uri(baseUrl, response.Element(Dav + "href")?.Value.Trim() ?? "");
        var props = OkProps(response).ToList();
        var name = props.Elements(Dav + "displayname").Select(d => d.Value.Trim()).FirstOrDefault(n => n.Length > 0)
            ?? Uri.UnescapeDataString(url.AbsolutePath.TrimEnd('/').Split('/')[^1]);
        var privileges = props.Elements(Dav + "current-user-privilege-set").ToList();
        var canWrite = privileges.Count == 0 || privileges.Descendants(Dav + "privilege").Elements()
            .Any(p => p.Name == Dav + "write" || p.Name == Dav + "write-content" || p.Name == Dav + "all");
        return new CalDavCalendar(url.AbsoluteUri, name, ReadOnly: !canWrite);
    }

    /// <summary>The properties a response reports with status 200 (a 404 propstat lists what the resource lacks).</summary>
    private static IEnumerable<XElement> OkProps(XElement response) =>
        response.Elements(Dav + "propstat")
            .Where(p => p.Element(Dav + "status")?.Value.Contains(" 200", StringComparison.Ordinal) ?? true)
            .Elements(Dav + "prop");

    private static Uri? HrefOf(XElement? response, XName property, Uri baseUrl)
    {
        var href = response is null ? null : OkProps(response).Elements(property).Elements(Dav + "href").Select(h => h.Value.Trim()).FirstOrDefault(h => h.Length > 0);
        return href is not null && Uri.TryCreate(baseUrl, href, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) ? url : null;
    }

    private static FeedFailure NotCalDav(string message) => new(FeedFailureReason.NotCalDav, message);

    /// <summary>One call's permit, deadline and failure mapping, as the feed fetcher's.</summary>
    private async Task<FeedFetchResult<T>> GuardAsync<T>(CalDavAccount account, int ownerUserId, string operation, Func<Session, Task<FeedFetchResult<T>>> call, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var host = account.ServerUrl.Host;
        if (await limiter.TryAcquireAsync(ownerUserId, limits.MaxFetchQueueTime, time, cancellationToken) is not { } lease)
        {
            return FeedFetchResult.Failed<T>(new FeedFailure(FeedFailureReason.Timeout, "The server was too busy to reach the calendar server; try again."));
        }

        using var permit = lease;
        using var deadline = new CancellationTokenSource(limits.FeedTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        FeedFetchResult<T> result;
        try
        {
            result = await call(new Session(clients.CreateClient(HttpClientName), limiter, account, ownerUserId, limits, linked.Token));
        }
        catch (OperationCanceledException)
        {
            result = FeedFetchResult.Failed<T>(new FeedFailure(FeedFailureReason.Timeout, string.Create(CultureInfo.InvariantCulture, $"The calendar server did not answer completely within {limits.FeedTimeout.TotalSeconds:0.###} s.")));
        }
        catch (HttpRequestException ex) when (ex.InnerException is OutboundAddressBlockedException blocked)
        {
            result = FeedFetchResult.Failed<T>(new FeedFailure(FeedFailureReason.BlockedAddress, $"The calendar server's host resolves to a {blocked.Reason} address, which Cal does not connect to."));
        }
        catch (HttpRequestException)
        {
            result = FeedFetchResult.Failed<T>(new FeedFailure(FeedFailureReason.Unreachable, "The calendar server could not be reached."));
        }
        catch (FeedTooLargeException)
        {
            result = FeedFetchResult.Failed<T>(new FeedFailure(FeedFailureReason.TooLarge, $"The calendar server's answer is larger than {limits.MaxFeedBytes} bytes."));
        }
        catch (FetchBudgetExceededException)
        {
            result = FeedFetchResult.Failed<T>(new FeedFailure(FeedFailureReason.RateLimited, string.Create(CultureInfo.InvariantCulture, $"This account's calendars read more than {limits.MaxBytesPerUserPerMinute / (1024 * 1024)} MB in the last minute; try again in a minute.")));
        }
        catch (XmlException)
        {
            result = FeedFetchResult.Failed<T>(NotCalDav("The server's answer is not the XML CalDAV answers with."));
        }
        catch (InvalidDataException)
        {
            result = FeedFetchResult.Failed<T>(NotCalDav("The server's compressed answer could not be decompressed."));
        }
        catch (IOException)
        {
            result = FeedFetchResult.Failed<T>(new FeedFailure(FeedFailureReason.Unreachable, "The calendar server closed the connection before its whole answer arrived."));
        }

        var outcome = result.Failure is { } failure ? FeedFailure.WireName(failure.Reason) : "ok";
        CalMetrics.FeedsFetched.Count("outcome", outcome);
        if (result.Failure is not null)
        {
            LogFailed(logger, operation, host, outcome);
        }

        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "CalDAV {Operation} on {Host} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string operation, string host, string reason);

    /// <summary>An answer: the multistatus document and the URL it came from (after redirects), or why there is none.</summary>
    private sealed record Answer(XDocument? Document, Uri? Url, FeedFailure? Failure);

    /// <summary>
    /// One discovery or query: the account, its trusted origins (the server's, and those its own answers named),
    /// and the call's deadline.
    /// </summary>
    private sealed class Session(HttpClient http, OutboundFetchLimiter limiter, CalDavAccount account, int ownerUserId, OutboundOptions limits, CancellationToken cancellation)
    {
        private readonly HashSet<string> trusted = new(StringComparer.OrdinalIgnoreCase) { Origin(account.ServerUrl) };

        public CalDavAccount Account => account;

        public CancellationToken Cancellation => cancellation;

        public void Trust(Uri url) => trusted.Add(Origin(url));

        public async Task<Answer> SendAsync(HttpMethod method, Uri url, string depth, string body)
        {
            for (var hops = 0; ; hops++)
            {
                using var response = await SendOnceAsync(method, url, depth, body);
                if (IcsFeedFetcher.IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
                {
                    if (hops >= limits.MaxRedirects)
                    {
                        return new Answer(null, null, new FeedFailure(FeedFailureReason.TooManyRedirects, $"The calendar server redirected more than {limits.MaxRedirects} times."));
                    }

                    url = location.IsAbsoluteUri ? location : new Uri(url, location);
                    if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
                    {
                        return new Answer(null, null, new FeedFailure(FeedFailureReason.Unreachable, "The calendar server redirected to a URL that is not http or https."));
                    }

                    continue; // the password goes along only to an origin already trusted
                }

                var status = (int)response.StatusCode;
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    return new Answer(null, null, new FeedFailure(FeedFailureReason.Unauthorized, $"The calendar server refused the username and password (HTTP {status}).", HttpStatus: status));
                }

                if (response.StatusCode != HttpStatusCode.MultiStatus)
                {
                    return new Answer(null, null, status is >= 200 and < 300 or 404 or 405 or 501
                        ? NotCalDav($"The address does not answer as a CalDAV server (HTTP {status} to {method.Method}).")
                        : new FeedFailure(FeedFailureReason.HttpStatus, $"The calendar server answered HTTP {status}.", HttpStatus: status));
                }

                if (response.Content.Headers.ContentLength > limits.MaxFeedBytes)
                {
                    throw new FeedTooLargeException(limits.MaxFeedBytes);
                }

                await using var stream = new CappedReadStream(await response.Content.ReadAsStreamAsync(cancellation), limits.MaxFeedBytes, read => limiter.TryChargeBytes(ownerUserId, read));
                using var xml = XmlReader.Create(stream, new XmlReaderSettings { Async = true, DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true });
                var document = await XDocument.LoadAsync(xml, LoadOptions.None, cancellation);
                return new Answer(document, url, null);
            }
        }

        /// <summary>
        /// One request. PROPFIND and REPORT only read, so a request that met a connection the server had already closed
        /// (HTTP/1.0 servers such as Radicale's close after each answer, and a pooled connection can be picked before its
        /// close is seen) is sent once more on a new connection; nothing reached the server the first time.
        /// </summary>
        private async Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, Uri url, string depth, string body)
        {
            for (var attempt = 0; ; attempt++)
            {
                using var request = new HttpRequestMessage(method, url) { Content = new StringContent(body, Encoding.UTF8, "application/xml") };
                request.Headers.Add("Depth", depth);
                request.Headers.Accept.ParseAdd("application/xml, text/xml;q=0.9");
                if (trusted.Contains(Origin(url)))
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(account.Username + ":" + account.Password)));
                }

                try
                {
                    return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
                }
                catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ResponseEnded && attempt == 0)
                {
                    // the stale connection is gone from the pool; the next attempt opens (and address-checks) a new one
                }
            }
        }

        private static string Origin(Uri url) => url.GetLeftPart(UriPartial.Authority);
    }
}

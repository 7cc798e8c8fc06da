using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Cal.Infrastructure.Outbound;

namespace Cal.Infrastructure.Calendars.CalDav;

/// <summary>
/// One CalDAV call's requests (a discovery, a revalidation, a write): the account, the origins its password may go to,
/// and the call's deadline, which covers every request's connection, headers and whole body.
/// <para>
/// Where the password goes: the server's own origin, and origins that an answer <em>from a trusted origin</em> named
/// (iCloud names a partition host for the calendar home). An origin reached only by a redirect is never trusted, nor is
/// anything its answers name; an https account's password never goes over http (a redirect or href that would downgrade
/// is refused).
/// </para>
/// </summary>
internal sealed class CalDavSession(
    HttpClient http,
    OutboundFetchLimiter limiter,
    CalDavAccount account,
    int ownerUserId,
    OutboundOptions limits,
    CancellationToken cancellation
)
{
    private readonly HashSet<string> trusted = new(StringComparer.OrdinalIgnoreCase) { Origin(account.ServerUrl) };

    public CalDavAccount Account => account;

    public CancellationToken Cancellation => cancellation;

    public OutboundOptions Limits => limits;

    /// <summary>Whether the password may go to <paramref name="url"/>'s origin.</summary>
    public bool IsTrusted(Uri url) => trusted.Contains(Origin(url));

    /// <summary>
    /// An href from an answer, resolved against the URL the answer came from; null unless it is http(s), does not
    /// downgrade an https account, and (when <paramref name="trust"/>) is then trusted if and only if the answer's own
    /// origin was.
    /// </summary>
    public Uri? Resolve(Uri answeredFrom, string? href, bool trust)
    {
        if (string.IsNullOrWhiteSpace(href) || !Uri.TryCreate(answeredFrom, href, out var url) || !IsAllowedScheme(url))
        {
            return null;
        }

        if (trust && IsTrusted(answeredFrom))
        {
            trusted.Add(Origin(url));
        }

        return url;
    }

    /// <summary>Whether <paramref name="href"/> names a URL that <see cref="Resolve"/> refuses for its scheme (another scheme, or http for
    /// an https account).</summary>
    public bool IsRefusedScheme(Uri answeredFrom, string? href) =>
        !string.IsNullOrWhiteSpace(href) && Uri.TryCreate(answeredFrom, href, out var url) && !IsAllowedScheme(url);

    /// <summary>http or https, and never http for an https account.</summary>
    public bool IsAllowedScheme(Uri url) =>
        (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
        && !(account.ServerUrl.Scheme == Uri.UriSchemeHttps && url.Scheme == Uri.UriSchemeHttp);

    /// <summary>A calendar stored at discovery (only trusted, allowed ones are stored): its origin trusted for this call.</summary>
    public Uri Calendar(string calendarUrl)
    {
        var url = new Uri(calendarUrl);
        if (IsAllowedScheme(url))
        {
            trusted.Add(Origin(url));
        }

        return url;
    }

    /// <summary>
    /// Sends one request, following redirects (each hop counted, re-checked at connect time, never a downgrade), and
    /// answers the final response (the caller disposes it) and its URL; or why there is none.
    /// </summary>
    public async Task<(HttpResponseMessage? Response, Uri Url, FeedFailure? Failure)> SendAsync(
        HttpMethod method,
        Uri url,
        string? depth,
        HttpContent? body,
        Action<HttpRequestHeaders>? headers = null,
        bool idempotent = true
    )
    {
        for (var hops = 0; ; hops++)
        {
            var response = await SendOnceAsync(method, url, depth, body, headers, idempotent);
            if (IcsFeedFetcher.IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                response.Dispose();
                if (hops >= limits.MaxRedirects)
                {
                    return (
                        null,
                        url,
                        new FeedFailure(
                            FeedFailureReason.TooManyRedirects,
                            $"The calendar server redirected more than {limits.MaxRedirects} times."
                        )
                    );
                }

                url = location.IsAbsoluteUri ? location : new Uri(url, location);
                if (!IsAllowedScheme(url))
                {
                    return (
                        null,
                        url,
                        new FeedFailure(
                            FeedFailureReason.Unreachable,
                            "The calendar server redirected to a URL that is not https (or not http for an http server)."
                        )
                    );
                }

                continue; // the password goes along only to an origin already trusted
            }

            return (response, url, null);
        }
    }

    /// <summary>The response body, capped at <see cref="OutboundOptions.MaxFeedBytes"/>, charged to the user's byte budget, reads bounded
    /// by the call's deadline.</summary>
    public async Task<Stream> BodyAsync(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentLength > limits.MaxFeedBytes)
        {
            throw new FeedTooLargeException(limits.MaxFeedBytes);
        }

        return new CappedReadStream(
            await response.Content.ReadAsStreamAsync(cancellation),
            limits.MaxFeedBytes,
            read => limiter.TryChargeBytes(ownerUserId, read),
            cancellation
        );
    }

    /// <summary>
    /// One request. A request that only reads (or that the server treats conditionally, so a repeat is harmless) and that
    /// met a connection the server had already closed is sent again: HTTP/1.0 servers such as Radicale's close after each
    /// answer, and a pooled connection can be picked before its close is seen. Concurrent reads can leave several such
    /// connections in the pool; each that fails leaves it, so up to <see cref="StaleConnectionRetries"/> more attempts are made.
    /// </summary>
    private const int StaleConnectionRetries = 3;

    private async Task<HttpResponseMessage> SendOnceAsync(
        HttpMethod method,
        Uri url,
        string? depth,
        HttpContent? body,
        Action<HttpRequestHeaders>? headers,
        bool idempotent
    )
    {
        var payload = body is null ? null : await body.ReadAsByteArrayAsync(cancellation);
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, url);
            if (payload is not null)
            {
                request.Content = new ByteArrayContent(payload);
                foreach (var header in body!.Headers)
                {
                    request.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }

            if (depth is not null)
            {
                request.Headers.Add("Depth", depth);
            }

            request.Headers.Accept.ParseAdd("application/xml, text/xml;q=0.9, text/calendar;q=0.8");
            headers?.Invoke(request.Headers);
            if (IsTrusted(url))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue(
                    "Basic",
                    Convert.ToBase64String(Encoding.UTF8.GetBytes(account.Username + ":" + account.Password))
                );
            }

            try
            {
                return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
            }
            catch (HttpRequestException ex)
                when (ex.HttpRequestError == HttpRequestError.ResponseEnded && attempt < StaleConnectionRetries && idempotent)
            {
                // the stale connection is gone from the pool; the next attempt opens (and address-checks) a new one
            }
        }
    }

    /// <summary>What a multistatus request's status says: null for 207, else the failure (a refusal, not CalDAV, another status).</summary>
    public static FeedFailure? MultistatusFailure(HttpResponseMessage response, HttpMethod method)
    {
        var status = (int)response.StatusCode;
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return new FeedFailure(
                FeedFailureReason.Unauthorized,
                $"The calendar server refused the username and password (HTTP {status}).",
                HttpStatus: status
            );
        }

        if (response.StatusCode == HttpStatusCode.MultiStatus)
        {
            return null;
        }

        return status is >= 200 and < 300 or 404 or 405 or 501
            ? new FeedFailure(
                FeedFailureReason.NotCalDav,
                $"The address does not answer as a CalDAV server (HTTP {status} to {method.Method})."
            )
            : new FeedFailure(FeedFailureReason.HttpStatus, $"The calendar server answered HTTP {status}.", HttpStatus: status);
    }

    public static string Origin(Uri url) => url.GetLeftPart(UriPartial.Authority);
}

using System.Globalization;
using System.Net;
using System.Text;
using Cal.Application.Common.Interfaces;
using Cal.Application.Common.Telemetry;
using Cal.Domain.Calendars;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cal.Infrastructure.Outbound;

/// <summary>
/// Fetches one feed through the factory-made client (a singleton; a client per fetch from <see cref="IHttpClientFactory"/>): its own
/// redirect handling (each hop counted),
/// one deadline covering connect, headers and the whole body, and a byte cap counted while streaming
/// after decompression. Only the host is ever logged: the rest of a feed URL is a secret.
/// </summary>
internal sealed class IcsFeedFetcher(
    IHttpClientFactory clients,
    IOptions<OutboundOptions> options,
    OutboundFetchLimiter limiter,
    TimeProvider time,
    ILogger<IcsFeedFetcher> logger
) : IIcsFeedFetcher
{
    public const string HttpClientName = "ics-feeds";

    static IcsFeedFetcher()
    {
        // windows-1252 and the other legacy code pages that older calendar servers still declare.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    /// <summary>Fetches attributed to no user share one partition (tests, tools).</summary>
    public const int NoOwner = 0;

    public async Task<OutboundResult<T>> FetchAsync<T>(
        IcsFeedUrl url,
        int ownerUserId,
        Func<TextReader, CancellationToken, Task<OutboundResult<T>>> readBody,
        CancellationToken cancellationToken
    ) => await FetchAsync(url, ownerUserId, readBody, ifChangedSince: null, cancellationToken);

    public Task<OutboundResult<T>> FetchAsync<T>(
        IcsFeedUrl url,
        Func<TextReader, CancellationToken, Task<OutboundResult<T>>> readBody,
        CancellationToken cancellationToken
    ) => FetchAsync(url, NoOwner, readBody, cancellationToken);

    internal Task<OutboundResult<T>> FetchAsync<T>(
        IcsFeedUrl url,
        Func<TextReader, CancellationToken, Task<OutboundResult<T>>> readBody,
        ResourceVersion? ifChangedSince,
        CancellationToken cancellationToken
    ) => FetchAsync(url, NoOwner, readBody, ifChangedSince, cancellationToken);

    /// <summary>
    /// As <see cref="FetchAsync{T}(IcsFeedUrl, int, Func{TextReader, CancellationToken, Task{OutboundResult{T}}}, CancellationToken)"/>,
    /// but a conditional request when <paramref name="ifChangedSince"/> is given: an unchanged feed answers 304 and its body is
    /// not read.
    /// </summary>
    internal async Task<OutboundResult<T>> FetchAsync<T>(
        IcsFeedUrl url,
        int ownerUserId,
        Func<TextReader, CancellationToken, Task<OutboundResult<T>>> readBody,
        ResourceVersion? ifChangedSince,
        CancellationToken cancellationToken
    )
    {
        var result = await FetchOnceAsync(url, ownerUserId, readBody, ifChangedSince, cancellationToken);
        CalMetrics.FeedsFetched.Count(
            "outcome",
            result.NotModified ? "not_modified"
                : result.Failure is { } failure ? FeedFailure.WireName(failure.Reason)
                : "ok"
        );
        return result;
    }

    private async Task<OutboundResult<T>> FetchOnceAsync<T>(
        IcsFeedUrl url,
        int ownerUserId,
        Func<TextReader, CancellationToken, Task<OutboundResult<T>>> readBody,
        ResourceVersion? ifChangedSince,
        CancellationToken cancellationToken
    )
    {
        var limits = options.Value;

        // Time spent waiting for a permit is bounded on its own; the feed's timeout starts once it may be fetched.
        if (await limiter.TryAcquireAsync(ownerUserId, limits.MaxFetchQueueTime, time, cancellationToken) is not { } lease)
        {
            logger.LogInformation("ICS feed on {Host} waited too long for a fetch permit", url.Host);
            return OutboundResult.Failed<T>(
                new FeedFailure(
                    FeedFailureReason.Timeout,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"The server was too busy to fetch the feed within {limits.MaxFetchQueueTime.TotalSeconds:0.###} s; try again."
                    )
                )
            );
        }

        using var permit = lease;
        using var deadline = new CancellationTokenSource(limits.FeedTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var result = await FetchFollowingRedirectsAsync(url.FetchUri, ownerUserId, readBody, ifChangedSince, limits, linked.Token);
            if (result.Failure is { } failure)
            {
                logger.LogInformation("ICS feed on {Host} unusable: {Reason}", url.Host, FeedFailure.WireName(failure.Reason));
            }

            return result;
        }
        catch (Exception ex) when (FailureOf(ex, url, ownerUserId, limits) is { } failure)
        {
            return OutboundResult.Failed<T>(failure);
        }
    }

    /// <summary>
    /// The failure an exception thrown while fetching stands for, logged with the host only (an exception's text can name the
    /// whole URL); null for an exception that is a bug, which then propagates.
    /// </summary>
    private FeedFailure? FailureOf(Exception exception, IcsFeedUrl url, int ownerUserId, OutboundOptions limits)
    {
        switch (exception)
        {
            case OperationCanceledException:
                logger.LogInformation("ICS feed on {Host} timed out", url.Host);
                return new FeedFailure(
                    FeedFailureReason.Timeout,
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"The feed did not answer completely within {limits.FeedTimeout.TotalSeconds:0.###} s."
                    )
                );
            case HttpRequestException { InnerException: OutboundAddressBlockedException blocked }:
                logger.LogWarning("ICS feed on {Host} refused: {Reason} address", blocked.Host, blocked.Reason);
                return new FeedFailure(
                    FeedFailureReason.BlockedAddress,
                    $"The feed's host resolves to a {blocked.Reason} address, which Cal does not fetch from."
                );
            case HttpRequestException http:
                logger.LogInformation("ICS feed on {Host} unreachable: {Error}", url.Host, http.HttpRequestError);
                return new FeedFailure(FeedFailureReason.Unreachable, "The feed's server could not be reached.");
            case FeedTooLargeException:
                logger.LogInformation("ICS feed on {Host} unusable: {Reason}", url.Host, "too_large");
                return TooLarge(limits);
            case FetchBudgetExceededException:
                logger.LogInformation(
                    "ICS feed on {Host} stopped: user {UserId} read past Outbound:MaxBytesPerUserPerMinute",
                    url.Host,
                    ownerUserId
                );
                return new FeedFailure(
                    FeedFailureReason.RateLimited,
                    OutboundLimits.RateLimitedMessage("feeds", limits.MaxBytesPerUserPerMinute)
                );
            case InvalidDataException:
                // Content-Encoding said gzip/deflate/brotli but the body is not.
                logger.LogInformation("ICS feed on {Host} sent a body that does not decompress", url.Host);
                return new FeedFailure(FeedFailureReason.NotIcalendar, "The feed's compressed body could not be decompressed.");
            case IOException io:
                // Connection reset or closed before the whole body arrived (HttpIOException is an IOException).
                logger.LogInformation("ICS feed on {Host} broke off mid-body: {Error}", url.Host, io.GetType().Name);
                return new FeedFailure(
                    FeedFailureReason.Unreachable,
                    "The feed's server closed the connection before the whole feed arrived."
                );
            default:
                return null;
        }
    }

    private async Task<OutboundResult<T>> FetchFollowingRedirectsAsync<T>(
        Uri uri,
        int ownerUserId,
        Func<TextReader, CancellationToken, Task<OutboundResult<T>>> readBody,
        ResourceVersion? ifChangedSince,
        OutboundOptions limits,
        CancellationToken cancellationToken
    )
    {
        var http = clients.CreateClient(HttpClientName); // cheap: the factory pools the policy-checked handler
        for (var hops = 0; ; hops++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Accept.ParseAdd("text/calendar, */*;q=0.8");
            if (ifChangedSince is not null)
            {
                request.AskIfChangedSince(ifChangedSince);
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotModified && ifChangedSince is not null)
            {
                return OutboundResult.Unchanged<T>(ResourceVersionHeaders.Of(response) ?? ifChangedSince);
            }

            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                if (hops >= limits.MaxRedirects)
                {
                    return OutboundResult.Failed<T>(
                        new FeedFailure(FeedFailureReason.TooManyRedirects, $"The feed redirected more than {limits.MaxRedirects} times.")
                    );
                }

                uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                {
                    return OutboundResult.Failed<T>(
                        new FeedFailure(FeedFailureReason.Unreachable, "The feed redirected to a URL that is not http or https.")
                    );
                }

                continue;
            }

            return await ReadAsync(response, ownerUserId, readBody, limits, cancellationToken);
        }
    }

    /// <summary>The final answer: its status checked, then its body streamed into the reader.</summary>
    private async Task<OutboundResult<T>> ReadAsync<T>(
        HttpResponseMessage response,
        int ownerUserId,
        Func<TextReader, CancellationToken, Task<OutboundResult<T>>> readBody,
        OutboundOptions limits,
        CancellationToken cancellationToken
    )
    {
        if (!response.IsSuccessStatusCode)
        {
            var status = (int)response.StatusCode;
            return OutboundResult.Failed<T>(
                new FeedFailure(FeedFailureReason.HttpStatus, $"The feed answered HTTP {status}.", HttpStatus: status)
            );
        }

        if (response.Content.Headers.ContentLength > limits.MaxFeedBytes)
        {
            return OutboundResult.Failed<T>(TooLarge(limits));
        }

        // Streamed straight into the reader: counted after decompression, decoded by BOM or charset
        // (UTF-8 by default, as iCalendar says), never held whole.
        await using var body = new CappedReadStream(
            await response.Content.ReadAsStreamAsync(cancellationToken),
            limits.MaxFeedBytes,
            read => limiter.TryChargeBytes(ownerUserId, read),
            cancellationToken
        );
        using var text = new StreamReader(
            body,
            CharsetOf(response.Content) ?? Encoding.UTF8,
            detectEncodingFromByteOrderMarks: true,
            bufferSize: 16 * 1024
        );
        var read = await readBody(text, cancellationToken);
        return read.Succeeded ? read with { Version = ResourceVersionHeaders.Of(response) } : read;
    }

    private static Encoding? CharsetOf(HttpContent content)
    {
        var charset = content.Headers.ContentType?.CharSet?.Trim('"', ' ');
        if (string.IsNullOrEmpty(charset))
        {
            return null;
        }

        try
        {
            return Encoding.GetEncoding(charset);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            return null; // Unknown or unsupported charset (e.g. utf-7): iCalendar's default, UTF-8.
        }
    }

    private static FeedFailure TooLarge(OutboundOptions limits) =>
        new(FeedFailureReason.TooLarge, $"The feed is larger than {limits.MaxFeedBytes} bytes.");

    /// <summary>The redirects outbound clients follow themselves (each hop counted and its connection checked); CalDAV's too.</summary>
    internal static bool IsRedirect(HttpStatusCode status) =>
        status
            is HttpStatusCode.MovedPermanently
                or HttpStatusCode.Found
                or HttpStatusCode.SeeOther
                or HttpStatusCode.TemporaryRedirect
                or HttpStatusCode.PermanentRedirect;
}

using Cal.Domain.Calendars;

namespace Cal.Application.Common.Interfaces;

/// <summary>
/// Downloads one feed within the outbound limits (address policy, timeout, size cap, redirects) and hands
/// its decoded body to a reader as it arrives, so no feed is ever held in memory whole.
/// </summary>
public interface IIcsFeedFetcher
{
    /// <summary>
    /// Never throws for a feed problem (unreachable, timeout, HTTP status, too large, blocked address): the
    /// result names the failure, and a body over the cap stops <paramref name="readBody"/> mid-read. A failure the reader
    /// returns (content that is not usable) is the fetch's failure.
    /// Cancellation by <paramref name="cancellationToken"/> is reported as a timeout. Fetches are shared fairly between
    /// users: <paramref name="ownerUserId"/> is the user the feed is fetched for.
    /// </summary>
    Task<OutboundResult<T>> FetchAsync<T>(
        IcsFeedUrl url,
        int ownerUserId,
        Func<TextReader, CancellationToken, Task<OutboundResult<T>>> readBody,
        CancellationToken cancellationToken
    );
}

using Cal.Domain.Calendars;

namespace Cal.Application.Common.Interfaces;

/// <summary>
/// A saved feed's current text for reading (check, busy times): served from a per-credential cache while
/// fresh, revalidated upstream with ETag / Last-Modified when stale (an unchanged feed costs one 304).
/// The cache key includes the credential, so one user's feed is never served to another.
/// </summary>
public interface IIcsFeedSource
{
    Task<FeedFetchResult<string>> GetAsync(int credentialId, IcsFeedUrl url, CancellationToken cancellationToken);
}

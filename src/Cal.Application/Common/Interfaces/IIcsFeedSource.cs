using Cal.Domain.Calendars;

namespace Cal.Application.Common.Interfaces;

/// <summary>
/// A saved feed's current text for reading (check, busy times): served from a per-credential cache while
/// fresh, revalidated upstream with ETag / Last-Modified when stale (an unchanged feed costs one 304).
/// The cache key includes the credential and its owner, so one user's feed is never served to another
/// (not even when a deleted credential's id is reused).
/// </summary>
public interface IIcsFeedSource
{
    Task<FeedFetchResult<string>> GetAsync(Credential credential, IcsFeedUrl url, CancellationToken cancellationToken);
}

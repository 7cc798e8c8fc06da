using Cal.Domain.Calendars;

namespace Cal.Application.Common.Interfaces;

/// <summary>Downloads one feed within the outbound limits (timeout, size cap, redirects).</summary>
public interface IIcsFeedFetcher
{
    /// <summary>Never throws for a feed problem: the result names the failure. Throws only when <paramref name="cancellationToken"/> is the caller going away.</summary>
    Task<FeedFetchResult> FetchAsync(IcsFeedUrl url, CancellationToken cancellationToken);
}

public sealed record FeedFetchResult(string? Content, FeedFailure? Failure)
{
    public static FeedFetchResult Ok(string content) => new(content, null);

    public static FeedFetchResult Failed(FeedFailure failure) => new(null, failure);
}

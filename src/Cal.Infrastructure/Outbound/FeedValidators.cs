using System.Net.Http.Headers;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;

namespace Cal.Infrastructure.Outbound;

/// <summary>What a server said identifies a feed's version (ETag, Last-Modified), for conditional requests.</summary>
internal sealed record FeedValidators(EntityTagHeaderValue? ETag, DateTimeOffset? LastModified)
{
    public static FeedValidators? From(HttpResponseMessage response)
    {
        var etag = response.Headers.ETag;
        var lastModified = response.Content.Headers.LastModified;
        return etag is null && lastModified is null ? null : new FeedValidators(etag, lastModified);
    }

    public void ApplyTo(HttpRequestMessage request)
    {
        if (ETag is not null)
        {
            request.Headers.IfNoneMatch.Add(ETag);
        }
        else if (LastModified is { } since)
        {
            request.Headers.IfModifiedSince = since;
        }
    }
}

/// <summary>A fetch's result plus what a cache needs: the feed's validators, or that it was unchanged (304).</summary>
internal sealed record FeedFetchOutcome<T>(FeedFetchResult<T> Result, bool NotModified = false, FeedValidators? Validators = null)
{
    public static FeedFetchOutcome<T> Failed(FeedFailure failure) => new(FeedFetchResult.Failed<T>(failure));

    public static FeedFetchOutcome<T> Unchanged(FeedValidators validators) =>
        new(new FeedFetchResult<T>(default, null), NotModified: true, validators);
}

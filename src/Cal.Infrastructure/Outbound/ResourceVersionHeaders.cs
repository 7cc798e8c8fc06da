using System.Net.Http.Headers;
using Cal.Application.Common.Interfaces;

namespace Cal.Infrastructure.Outbound;

/// <summary>
/// A <see cref="ResourceVersion"/> in HTTP: read from a response (<c>ETag</c>, <c>Last-Modified</c>), asked with on a request.
/// </summary>
internal static class ResourceVersionHeaders
{
    /// <summary>The version the response names; null when it names none.</summary>
    public static ResourceVersion? Of(HttpResponseMessage response)
    {
        var etag = response.Headers.ETag;
        var lastModified = response.Content.Headers.LastModified;
        return etag is null && lastModified is null ? null : new ResourceVersion(etag?.ToString(), lastModified);
    }

    /// <summary>Makes the request conditional: <c>If-None-Match</c> with the ETag, or else <c>If-Modified-Since</c>.</summary>
    public static void AskIfChangedSince(this HttpRequestMessage request, ResourceVersion version)
    {
        if (version.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var tag))
        {
            request.Headers.IfNoneMatch.Add(tag);
        }
        else if (version.LastModified is { } since)
        {
            request.Headers.IfModifiedSince = since;
        }
    }
}

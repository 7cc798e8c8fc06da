using System.Diagnostics.CodeAnalysis;
using Cal.Domain.Calendars;

namespace Cal.Application.Common.Interfaces;

/// <summary>
/// The result of one outbound call (a feed download, a CalDAV request), one type for all of them: what the call produced
/// (<see cref="Value"/>), that the resource has not changed since the version the caller had (<see cref="NotModified"/>, an
/// HTTP 304), or why it failed (<see cref="Failure"/>). A remote problem is never an exception; a failure that a body reader
/// finds (a feed that is not iCalendar) is the call's failure, not a second result inside the first.
/// </summary>
public sealed record OutboundResult<T>(T? Value, FeedFailure? Failure, bool NotModified = false, ResourceVersion? Version = null)
{
    /// <summary>A value arrived (neither a failure nor "not modified").</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    public bool Succeeded => Failure is null && !NotModified;

    /// <summary>The same failure, as the result of a call that would have produced a <typeparamref name="TOther"/>.</summary>
    public OutboundResult<TOther> FailedAs<TOther>() =>
        Failure is { } failure ? OutboundResult.Failed<TOther>(failure) : throw new InvalidOperationException("The call did not fail.");
}

/// <summary>The three ways an outbound call ends.</summary>
public static class OutboundResult
{
    public static OutboundResult<T> Ok<T>(T value, ResourceVersion? version = null) => new(value, null, Version: version);

    public static OutboundResult<T> Unchanged<T>(ResourceVersion version) => new(default, null, NotModified: true, version);

    public static OutboundResult<T> Failed<T>(FeedFailure failure) => new(default, failure);
}

/// <summary>
/// What identifies the version of a resource a server sent (its <c>ETag</c>, its <c>Last-Modified</c>), so that the next
/// request can ask "only if it changed" (<c>If-None-Match</c>, <c>If-Modified-Since</c>).
/// </summary>
public sealed record ResourceVersion(string? ETag, DateTimeOffset? LastModified);

namespace Cal.Domain.Calendars;

/// <summary>Why a feed (or a CalDAV account) could not be used. The wire names are cal.com-style snake case.</summary>
public enum FeedFailureReason
{
    Unreachable,
    Timeout,
    HttpStatus,
    TooLarge,
    NotIcalendar,
    ParseError,
    BlockedAddress,
    TooManyRedirects,

    /// <summary>The user's fetches read more than their per-minute byte budget; the fetch may be retried a minute later.</summary>
    RateLimited,

    /// <summary>The calendar server refused the username and password (HTTP 401/403).</summary>
    Unauthorized,

    /// <summary>The server answers, but not as a CalDAV server with calendars (no principal, no calendar home, no calendar).</summary>
    NotCalDav,
}

/// <summary>One failing feed: its index in the request, the reason, and what detail is safe to show.</summary>
public sealed record FeedFailure(FeedFailureReason Reason, string Message, int? HttpStatus = null, int? Line = null)
{
    public static string WireName(FeedFailureReason reason) =>
        reason switch
        {
            FeedFailureReason.Unreachable => "unreachable",
            FeedFailureReason.Timeout => "timeout",
            FeedFailureReason.HttpStatus => "http_status",
            FeedFailureReason.TooLarge => "too_large",
            FeedFailureReason.NotIcalendar => "not_icalendar",
            FeedFailureReason.ParseError => "parse_error",
            FeedFailureReason.BlockedAddress => "blocked_address",
            FeedFailureReason.TooManyRedirects => "too_many_redirects",
            FeedFailureReason.RateLimited => "rate_limited",
            FeedFailureReason.Unauthorized => "unauthorized",
            FeedFailureReason.NotCalDav => "not_caldav",
            _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
        };
}

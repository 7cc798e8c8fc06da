namespace Cal.Domain.Calendars;

/// <summary>Why a feed could not be used. The wire names are cal.com-style snake case.</summary>
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
}

/// <summary>One failing feed: its index in the request, the reason, and what detail is safe to show.</summary>
public sealed record FeedFailure(FeedFailureReason Reason, string Message, int? HttpStatus = null, int? Line = null)
{
    public static string WireName(FeedFailureReason reason) => reason switch
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
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}

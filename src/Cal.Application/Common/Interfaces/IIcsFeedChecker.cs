using Cal.Domain.Calendars;

namespace Cal.Application.Common.Interfaces;

/// <summary>Judges whether a feed's text is a usable iCalendar object, reading it once, front to back.</summary>
public interface IIcsFeedChecker
{
    Task<IcsCheckResult> CheckAsync(TextReader content, CancellationToken cancellationToken);
}

/// <summary>Either the calendar's display name (<c>X-WR-CALNAME</c>, may be null) or why it is not usable.</summary>
public sealed record IcsCheckResult(string? CalendarName, FeedFailure? Failure)
{
    public bool IsValid => Failure is null;

    public static IcsCheckResult Valid(string? calendarName) => new(calendarName, null);

    public static IcsCheckResult Invalid(FeedFailure failure) => new(null, failure);

    /// <summary>As the result of the fetch whose body was checked: the calendar's name, or the content's failure.</summary>
    public OutboundResult<string?> AsOutboundResult() =>
        Failure is { } failure ? OutboundResult.Failed<string?>(failure) : OutboundResult.Ok(CalendarName);
}

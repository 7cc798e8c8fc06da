using Cal.Domain.Calendars;

namespace Cal.Application.Common.Exceptions;

/// <summary>
/// A connected calendar cannot be read now (its feed is down, blocked, broken). Names the credential and
/// the calendar's index within it, never the feed URL.
/// </summary>
public sealed class CalendarUnavailableException(int credentialId, int calendarIndex, FeedFailure failure, bool duringCheck)
    : Exception($"Calendar {calendarIndex} of credential {credentialId} cannot be read now: {failure.Message}")
{
    public int CredentialId { get; } = credentialId;

    public int CalendarIndex { get; } = calendarIndex;

    public FeedFailure Failure { get; } = failure;

    /// <summary>cal.com answers a failed check with 401; a failed busy-times read is the upstream's fault (503).</summary>
    public bool DuringCheck { get; } = duringCheck;
}

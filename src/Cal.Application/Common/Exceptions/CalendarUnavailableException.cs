using Cal.Domain.Calendars;

namespace Cal.Application.Common.Exceptions;

/// <summary>
/// A connected calendar cannot be read now (its feed is down, blocked, broken; its CalDAV server refuses the account).
/// Names the credential, the calendar's index within it and, for a provider with accounts, the account (its username,
/// which the user typed, never a password); never a feed URL.
/// </summary>
public sealed class CalendarUnavailableException(
    int credentialId,
    int calendarIndex,
    FeedFailure failure,
    bool duringCheck,
    string? account = null
)
    : Exception(
        account is null
            ? $"Calendar {calendarIndex} of credential {credentialId} cannot be read now: {failure.Message}"
            : $"Calendar {calendarIndex} of {account} (credential {credentialId}) cannot be read now: {failure.Message}"
    )
{
    public int CredentialId { get; } = credentialId;

    public int CalendarIndex { get; } = calendarIndex;

    public FeedFailure Failure { get; } = failure;

    /// <summary>The account, as the user knows it (e.g. "caldav account alice@example.com"), or null for a provider without
    /// accounts.</summary>
    public string? Account { get; } = account;

    /// <summary>cal.com answers a failed check with 401; a failed busy-times read is the upstream's fault (503).</summary>
    public bool DuringCheck { get; } = duringCheck;
}

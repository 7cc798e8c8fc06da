using Cal.Application.Calendars.Common;

namespace Cal.Application.Common.Interfaces;

/// <summary>
/// A CalDAV server, reached through the same outbound policy as feeds (address checked at connect time, redirects
/// re-checked, timeouts, byte caps, the per-user fetch limits). Never throws for a server problem: the result names
/// the failure (<c>unauthorized</c>, <c>not_caldav</c>, <c>unreachable</c>, <c>blocked_address</c>, ...). The password is
/// sent only as HTTP Basic authentication and never logged.
/// </summary>
public interface ICalDavClient
{
    /// <summary>
    /// Finds the account's event calendars: the URL itself when it is a principal, a calendar home or a calendar;
    /// otherwise <c>/.well-known/caldav</c>, then <c>current-user-principal</c>, <c>calendar-home-set</c> and a
    /// <c>PROPFIND</c> of depth 1 (calendars without <c>VEVENT</c> are skipped).
    /// </summary>
    Task<FeedFetchResult<IReadOnlyList<CalDavCalendar>>> DiscoverAsync(CalDavAccount account, int ownerUserId, CancellationToken cancellationToken);

    /// <summary>
    /// One <c>REPORT calendar-query</c> with a <c>time-range</c> covering the window (widened by a day each side, for
    /// floating and all-day times), the returned objects read into a busy-time index by Cal's own engine.
    /// </summary>
    Task<FeedFetchResult<IBusyTimeIndex>> QueryAsync(CalDavAccount account, string calendarUrl, BusyWindow window, int ownerUserId, CancellationToken cancellationToken);
}

/// <summary>Where and as whom to reach a CalDAV server. <see cref="Password"/> is a secret.</summary>
public sealed record CalDavAccount(Uri ServerUrl, string Username, string Password)
{
    /// <summary>Never the password.</summary>
    public override string ToString() => $"{Username} at {ServerUrl.Host}";
}

/// <summary>One calendar collection of an account: its absolute URL, display name, and whether the account may not write to it.</summary>
public sealed record CalDavCalendar(string Url, string Name, bool ReadOnly);

using Cal.Application.Calendars.Common;

namespace Cal.Application.Common.Interfaces;

/// <summary>
/// A CalDAV server's accounts, reached through the same outbound policy as feeds (address checked at connect time,
/// redirects re-checked, one deadline per call including every body, byte caps, the per-user fetch limits). Never throws
/// for a server problem: the result names the failure (<c>unauthorized</c>, <c>not_caldav</c>, <c>unreachable</c>,
/// <c>blocked_address</c>, ...). The password is sent only as HTTP Basic authentication, only to origins the account's
/// own answers named, never over http for an https account, and never logged.
/// </summary>
public interface ICalDavClient
{
    /// <summary>
    /// Finds the account's event calendars: the URL itself when it is a principal, a calendar home or a calendar;
    /// otherwise <c>/.well-known/caldav</c>, then <c>current-user-principal</c>, <c>calendar-home-set</c> and a
    /// <c>PROPFIND</c> of depth 1 (calendars without <c>VEVENT</c> are skipped).
    /// </summary>
    Task<OutboundResult<CalDavDiscovery>> DiscoverAsync(CalDavAccount account, int ownerUserId, CancellationToken cancellationToken);

    /// <summary>The event calendars in a calendar home found by <see cref="DiscoverAsync"/> (one <c>PROPFIND</c> of depth 1).</summary>
    Task<OutboundResult<IReadOnlyList<CalDavCalendar>>> ListCalendarsAsync(
        CalDavAccount account,
        string homeUrl,
        int ownerUserId,
        CancellationToken cancellationToken
    );
}

/// <summary>
/// The kept, incrementally synced index of each CalDAV calendar (<see cref="CalDavCalendarRef"/>): loaded once, then served
/// from memory within <c>CalDav:TimeToLive</c> and revalidated after it (<c>getctag</c> / <c>sync-token</c>, then only what
/// changed). Cal's own writes go through here and are in the index at once.
/// </summary>
public interface ICalDavCalendars
{
    /// <summary>The calendar's busy-time index, as fresh as <c>CalDav:TimeToLive</c> allows; concurrent callers share one load.</summary>
    Task<OutboundResult<IBusyTimeIndex>> GetIndexAsync(CalDavCalendarRef calendar, CancellationToken cancellationToken);

    /// <summary>Writes one new iCalendar object (<c>PUT {calendar}{uid}.ics</c>, <c>If-None-Match: *</c>); its href and ETag.</summary>
    Task<OutboundResult<CalDavWritten>> PutAsync(
        CalDavCalendarRef calendar,
        string uid,
        string icalendar,
        CancellationToken cancellationToken
    );

    /// <summary>Deletes an object Cal wrote (<c>If-Match</c> its ETag when known); one already gone or changed counts as deleted.</summary>
    Task<OutboundResult<CalDavWritten>> DeleteAsync(
        CalDavCalendarRef calendar,
        string href,
        string? etag,
        CancellationToken cancellationToken
    );

    /// <summary>Marks every kept calendar of the credential stale, here and on the other instances (a write through any of them).</summary>
    Task InvalidateAsync(int credentialId);
}

/// <summary>
/// Loads calendars' indexes in the background (an account just added or updated), so that the account's first busy-times
/// or slots request finds them kept instead of paying for the whole first load inside its own budget. Best effort: a
/// full queue or a failed load only means that the first read loads it, as it would have anyway.
/// </summary>
public interface ICalDavWarmUp
{
    void Enqueue(IReadOnlyList<CalDavCalendarRef> calendars);
}

/// <summary>Where and as whom to reach a CalDAV server. <see cref="Password"/> is a secret.</summary>
public sealed record CalDavAccount(Uri ServerUrl, string Username, string Password)
{
    /// <summary>Never the password.</summary>
    public override string ToString() => $"{Username} at {ServerUrl.Host}";
}

/// <summary>One calendar collection of an account: its absolute URL, display name, and whether the account may not write to it.</summary>
public sealed record CalDavCalendar(string Url, string Name, bool ReadOnly);

/// <summary>What discovery found: the account's event calendars and its calendar home (null when the URL given was a calendar).</summary>
public sealed record CalDavDiscovery(IReadOnlyList<CalDavCalendar> Calendars, string? HomeUrl);

/// <summary>One calendar of one credential, and the account to read it as.</summary>
public sealed record CalDavCalendarRef(int CredentialId, int OwnerUserId, CalDavAccount Account, string CalendarUrl)
{
    /// <summary>Never the password.</summary>
    public override string ToString() => $"calendar of credential {CredentialId}";
}

/// <summary>An object Cal wrote: its absolute URL and the ETag the server answered (null when it gave none).</summary>
public sealed record CalDavWritten(string Href, string? ETag);

using Cal.Application.Calendars.Common;
using Cal.Domain.Calendars;

namespace Cal.Application.Common.Interfaces;

/// <summary>
/// A saved feed's current version for reading (check, list, busy times): served from a per-credential cache while
/// fresh, revalidated upstream with ETag / Last-Modified when stale (an unchanged feed costs one 304). Each fetched
/// version is read once into an <see cref="IcsFeedSnapshot"/>; requests read that, never the text.
/// The cache key includes the credential and its owner, so one user's feed is never served to another
/// (not even when a deleted credential's id is reused). A feed whose content is not a usable iCalendar object is a failed
/// result, as an unreachable one is.
/// </summary>
public interface IIcsFeedSource
{
    Task<OutboundResult<IcsFeedSnapshot>> GetAsync(Credential credential, IcsFeedUrl url, CancellationToken cancellationToken);
}

/// <summary>
/// One fetched version of a feed: its name (<c>X-WR-CALNAME</c>), and either why its content is not a usable
/// iCalendar object or its busy-time index.
/// </summary>
public sealed record IcsFeedSnapshot(string? CalendarName, FeedFailure? ContentFailure, IBusyTimeIndex? Busy);

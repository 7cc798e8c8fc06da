using System.ComponentModel.DataAnnotations;

namespace Cal.Application.Calendars.CalDav.Common;

/// <summary><c>Providers:Apple</c>: where Apple calendars are read (iCloud's CalDAV server unless told otherwise).</summary>
public sealed class AppleCalendarOptions
{
    public const string SectionName = "Providers:Apple";

    /// <summary>The server Apple accounts are discovered on (cal.com's is <c>https://caldav.icloud.com</c>).</summary>
    [Required]
    public Uri ServerUrl { get; set; } = new("https://caldav.icloud.com");
}

/// <summary>Section <c>CalDav</c>: how CalDAV (and Apple) calendars are kept, and how much one account or user may hold.</summary>
public sealed class CalDavOptions
{
    public const string SectionName = "CalDav";

    /// <summary>
    /// A calendar's kept index (and an account's calendar list) is served without asking the server for this long; after
    /// it, one <c>PROPFIND</c> asks whether anything changed and only what changed is fetched. 0: ask on every request.
    /// A change made in another client is seen within this time plus one revalidation.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Load an account's calendars in the background as soon as it is added or updated, so its first busy-times or slots
    /// request finds them kept (a large calendar's first load can take longer than one request's budget).
    /// </summary>
    public bool WarmUpOnSave { get; set; } = true;

    /// <summary>Calendars one account may have; an account with more is refused when it is added (400).</summary>
    [Range(1, 10_000)]
    public int MaxCalendarsPerAccount { get; set; } = 50;

    /// <summary>CalDAV and Apple accounts one user may connect (400 past it).</summary>
    [Range(1, 10_000)]
    public int MaxAccountsPerUser { get; set; } = 10;

    /// <summary>Objects (events) one calendar may hold; a calendar with more cannot be read (503 on busy times).</summary>
    [Range(1, 10_000_000)]
    public int MaxObjectsPerCalendar { get; set; } = 50_000;

    /// <summary>Approximate bytes of calendar indexes this process keeps; least recently used calendars are dropped first.</summary>
    [Range(0, long.MaxValue)]
    public long MaxIndexBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Objects asked for in one <c>calendar-multiget</c>.</summary>
    [Range(1, 10_000)]
    public int MultigetBatchSize { get; set; } = 200;
}

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

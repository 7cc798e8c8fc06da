using Cal.Domain.Calendars;

namespace Cal.Application.Calendars.Common;

/// <summary>
/// One calendar provider (ICS feeds, Apple and CalDAV today; Google and Outlook later): what Cal needs from a
/// connected credential of its type. Implementations live in their own folder
/// (<c>Calendars/&lt;Provider&gt;/</c>) and are registered in one place,
/// <see cref="CalendarProviderServiceCollectionExtensions.AddCalendarProvider{T}"/>. See
/// docs/adding-a-calendar-provider.md.
/// </summary>
public interface ICalendarProvider
{
    /// <summary>The credential type this provider serves, e.g. <c>ics-feed_calendar</c>.</summary>
    CalendarIntegration Integration { get; }

    /// <summary>The calendars behind one credential of this provider.</summary>
    Task<IReadOnlyList<ProviderCalendar>> ListCalendarsAsync(Credential credential, CancellationToken cancellationToken);

    /// <summary>The external ids of the credential's calendars, without reading them (for checking a selection).</summary>
    Task<IReadOnlyList<string>> CalendarIdsAsync(Credential credential, CancellationToken cancellationToken);

    /// <summary>
    /// Busy intervals overlapping the window from the credential's calendars that <paramref name="selection"/> includes;
    /// work bounded by <paramref name="budget"/> (a calendar cut short is named in <see cref="ProviderBusyTimes.TruncatedExternalIds"/>).
    /// </summary>
    Task<ProviderBusyTimes> GetBusyTimesAsync(
        Credential credential,
        CalendarSelection selection,
        BusyWindow window,
        BusyTimeBudget budget,
        CancellationToken cancellationToken
    );

    /// <summary>Whether every calendar of the credential can be read now; if not, which one and why.</summary>
    Task<ConnectionCheck> CheckConnectionAsync(Credential credential, CancellationToken cancellationToken);

    /// <summary>How long a list of this provider's calendars may be kept before it is asked again (null: as long as the read model keeps
    /// it).</summary>
    TimeSpan? ListedCalendarsFreshFor => null;
}

/// <summary>
/// cal.com's app metadata for a provider (<c>connectedCalendars[].integration</c>, from its app store's <c>config.json</c>):
/// what a client written for cal.com reads about a connected calendar's app.
/// </summary>
public sealed record CalendarIntegration(
    string Type,
    string AppId,
    string Slug,
    string Title,
    string Category = "calendar",
    string? Name = null,
    string Description = "",
    string Logo = "icon.svg",
    string Publisher = "Cal.com, Inc.",
    string Email = "help@cal.com",
    string? DirName = null
)
{
    /// <summary>The app's display name (cal.com's <c>name</c>; its title unless told otherwise).</summary>
    public string DisplayName => Name ?? Title;

    /// <summary>cal.com's app-store folder name (its <c>dirName</c>).</summary>
    public string Folder => DirName ?? Slug;

    /// <summary>The app's page in cal.com's app store.</summary>
    public string Url => "https://cal.com/apps/" + Slug;
}

/// <summary>
/// One calendar behind a credential; <see cref="ExternalId"/> is the provider's id for it (for an ICS feed, its URL; for
/// CalDAV, the calendar collection's URL); <see cref="Email"/> the account's address where the provider has one.
/// </summary>
public sealed record ProviderCalendar(string ExternalId, string Name, bool ReadOnly, bool IsSelected, string? Email = null);

public sealed record ProviderBusyTimes(IReadOnlyList<BusyInterval> Intervals, IReadOnlyList<string> TruncatedExternalIds);

/// <summary>
/// Whether a credential's calendars can all be read now; if not, the first failing one (by index, never by URL), why,
/// and for a provider with accounts, the account as errors name it.
/// </summary>
public sealed record ConnectionCheck(
    bool IsConnected,
    int? FailingCalendarIndex = null,
    FeedFailure? Failure = null,
    string? Account = null
)
{
    public static ConnectionCheck Connected { get; } = new(true);
}

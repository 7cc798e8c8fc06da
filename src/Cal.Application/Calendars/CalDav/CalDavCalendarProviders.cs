using Cal.Application.Calendars.CalDav.Common;
using Cal.Application.Calendars.Common;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;

namespace Cal.Application.Calendars.CalDav;

/// <summary>
/// CalDAV accounts (Apple's and any other server's): each credential is one account. Listing and selecting read the
/// account's calendars as its server has them (<see cref="CalDavAccountCalendars"/>: the home listed again at most once
/// per <c>CalDav:TimeToLive</c>); busy times read each selected calendar's kept index (<see cref="ICalDavCalendars"/>:
/// loaded once, revalidated after the time to live, only what changed fetched), expanded by Cal's own engine per window,
/// so a recurring event blocks every occurrence and a year costs what a feed's year costs.
/// </summary>
public abstract class CalDavCalendarProviderBase(
    ISecretProtector protector,
    ICalDavClient client,
    ICalDavCalendars calendars,
    CalDavAccountCalendars accounts
) : IWritableCalendarProvider
{
    private readonly DecryptedSecretCache<CalDavSettings> secrets = new(protector, CalDavSecret.Deserialize);

    public abstract CalendarIntegration Integration { get; }

    public async Task<IReadOnlyList<ProviderCalendar>> ListCalendarsAsync(Credential credential, CancellationToken cancellationToken)
    {
        var settings = SettingsOf(credential);
        return (await accounts.CurrentAsync(credential, settings, cancellationToken))
            .Select(c => new ProviderCalendar(c.Url, c.Name, c.ReadOnly, IsSelected: true, Email: settings.Username))
            .ToList();
    }

    public async Task<IReadOnlyList<string>> CalendarIdsAsync(Credential credential, CancellationToken cancellationToken) =>
        (await accounts.CurrentAsync(credential, SettingsOf(credential), cancellationToken)).Select(c => c.Url).ToList();

    public async Task<ProviderBusyTimes> GetBusyTimesAsync(
        Credential credential,
        CalendarSelection selection,
        BusyWindow window,
        BusyTimeBudget budget,
        CancellationToken cancellationToken
    )
    {
        var settings = SettingsOf(credential);
        var selected = settings
            .Calendars.Select((calendar, index) => (calendar.Url, Index: index))
            .Where(c => selection.Includes(c.Url))
            .ToList();

        var reads = await Task.WhenAll(
            selected.Select(async c =>
            {
                var index = await calendars.GetIndexAsync(
                    new CalDavCalendarRef(credential.Id, credential.UserId, settings.Account, c.Url),
                    cancellationToken
                );
                if (index.Failure is { } failure)
                {
                    if (
                        failure.Reason == FeedFailureReason.NotCalDav
                        && !(await accounts.RevalidateNowAsync(credential, settings, cancellationToken)).Any(k => k.Url == c.Url)
                    )
                    {
                        // removed from the server since: no longer one of the account's calendars
                        return (c.Url, Read: new BusyTimeRead([], false));
                    }

                    // A refused account is never "free": scheduling on it would double-book.
                    throw new CalendarUnavailableException(credential.Id, c.Index, failure, duringCheck: false, AccountName(settings));
                }

                return (c.Url, Read: index.Value!.Read(window, budget, cancellationToken));
            })
        );

        return new ProviderBusyTimes(
            reads.SelectMany(r => r.Read.Intervals).ToList(),
            reads.Where(r => r.Read.Truncated).Select(r => r.Url).ToList()
        );
    }

    /// <summary>Whether the server accepts the account now (a discovery, never an answer from what is kept).</summary>
    public async Task<ConnectionCheck> CheckConnectionAsync(Credential credential, CancellationToken cancellationToken)
    {
        var settings = SettingsOf(credential);
        var discovered = await client.DiscoverAsync(settings.Account, credential.UserId, cancellationToken);
        return discovered.Failure is { } failure
            ? new ConnectionCheck(false, 0, failure, AccountName(settings))
            : ConnectionCheck.Connected;
    }

    public Task<OutboundResult<CalDavWritten>> WriteEventAsync(
        Credential credential,
        string calendarId,
        string uid,
        string icalendar,
        CancellationToken cancellationToken
    ) =>
        calendars.PutAsync(
            new CalDavCalendarRef(credential.Id, credential.UserId, SettingsOf(credential).Account, calendarId),
            uid,
            icalendar,
            cancellationToken
        );

    public Task<OutboundResult<CalDavWritten>> DeleteEventAsync(
        Credential credential,
        string calendarId,
        string href,
        string? etag,
        CancellationToken cancellationToken
    ) =>
        calendars.DeleteAsync(
            new CalDavCalendarRef(credential.Id, credential.UserId, SettingsOf(credential).Account, calendarId),
            href,
            etag,
            cancellationToken
        );

    /// <summary>The account's calendars are revalidated every <c>CalDav:TimeToLive</c>: a list of them is kept no longer.</summary>
    public TimeSpan? ListedCalendarsFreshFor => accounts.TimeToLive;

    /// <summary>How errors name the account: the app and the username (e.g. "CalDav Server account alice").</summary>
    public string AccountName(CalDavSettings settings) => $"{Integration.Title} account {settings.Username}";

    /// <summary>The credential's account and calendars (decrypted once per credential object).</summary>
    public CalDavSettings SettingsOf(Credential credential) => secrets.Of(credential);
}

/// <summary>cal.com's Apple Calendar app: CalDAV on iCloud (<see cref="AppleCalendarOptions.ServerUrl"/>).</summary>
public sealed class AppleCalendarProvider(
    ISecretProtector protector,
    ICalDavClient client,
    ICalDavCalendars calendars,
    CalDavAccountCalendars accounts
) : CalDavCalendarProviderBase(protector, client, calendars, accounts)
{
    public override CalendarIntegration Integration { get; } =
        new(
            CalendarApps.Apple.Type,
            CalendarApps.Apple.AppId,
            CalendarApps.Apple.AppId,
            "Apple Calendar",
            Description: "Apple calendar runs both the macOS and iOS mobile operating systems. Connect your Apple calendar to Cal.",
            DirName: "applecalendar"
        );
}

/// <summary>cal.com's CalDav Server app: any CalDAV server (Nextcloud, Fastmail, Radicale, mailbox.org, ...).</summary>
public sealed class CalDavCalendarProvider(
    ISecretProtector protector,
    ICalDavClient client,
    ICalDavCalendars calendars,
    CalDavAccountCalendars accounts
) : CalDavCalendarProviderBase(protector, client, calendars, accounts)
{
    public override CalendarIntegration Integration { get; } =
        new(
            CalendarApps.CalDav.Type,
            CalendarApps.CalDav.AppId,
            CalendarApps.CalDav.AppId,
            "CalDav Server",
            Description: "Connect to any CalDAV server: Nextcloud, Fastmail, mailbox.org, Radicale and others.",
            DirName: "caldavcalendar"
        );
}

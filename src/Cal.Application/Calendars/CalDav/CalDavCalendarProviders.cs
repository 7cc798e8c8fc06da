using Cal.Application.Calendars.CalDav.Common;
using Cal.Application.Calendars.Common;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;

namespace Cal.Application.Calendars.CalDav;

/// <summary>
/// CalDAV accounts (Apple's and any other server's): each credential is one account, its calendars found when it was
/// added. Listing reads the stored calendars; busy times cost one <c>REPORT</c> per selected calendar, its objects
/// expanded by Cal's own engine (the same as ICS feeds'), so a recurring event blocks every occurrence.
/// </summary>
public abstract class CalDavCalendarProviderBase(ISecretProtector protector, ICalDavClient client) : ICalendarProvider
{
    private readonly ParsedSecrets<CalDavSettings> secrets = new(protector, CalDavSecret.Deserialize);

    public abstract CalendarIntegration Integration { get; }

    public Task<IReadOnlyList<ProviderCalendar>> ListCalendarsAsync(Credential credential, CancellationToken cancellationToken)
    {
        var settings = SettingsOf(credential);
        return Task.FromResult<IReadOnlyList<ProviderCalendar>>(settings.Calendars
            .Select(c => new ProviderCalendar(c.Url, c.Name, c.ReadOnly, IsSelected: true, Email: settings.Username))
            .ToList());
    }

    public Task<IReadOnlyList<string>> CalendarIdsAsync(Credential credential, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(SettingsOf(credential).Calendars.Select(c => c.Url).ToList());

    public async Task<ProviderBusyTimes> GetBusyTimesAsync(Credential credential, CalendarSelection selection, BusyWindow window, BusyTimeBudget budget, CancellationToken cancellationToken)
    {
        var settings = SettingsOf(credential);
        var account = settings.Account;
        var calendars = settings.Calendars
            .Select((calendar, index) => (calendar.Url, Index: index))
            .Where(c => selection.Includes(c.Url))
            .ToList();

        var reads = await Task.WhenAll(calendars.Select(async c =>
        {
            var queried = await client.QueryAsync(account, c.Url, window, credential.UserId, cancellationToken);
            if (queried.Failure is { } failure)
            {
                // A refused account is never "free": scheduling on it would double-book.
                throw new CalendarUnavailableException(credential.Id, c.Index, failure, duringCheck: false, AccountName(settings));
            }

            return (c.Url, Read: queried.Value!.Read(window, budget, cancellationToken));
        }));

        return new ProviderBusyTimes(
            reads.SelectMany(r => r.Read.Intervals).ToList(),
            reads.Where(r => r.Read.Truncated).Select(r => r.Url).ToList());
    }

    public async Task<ConnectionCheck> CheckConnectionAsync(Credential credential, CancellationToken cancellationToken)
    {
        var settings = SettingsOf(credential);
        var discovered = await client.DiscoverAsync(settings.Account, credential.UserId, cancellationToken);
        return discovered.Failure is { } failure
            ? new ConnectionCheck(false, 0, failure, AccountName(settings))
            : ConnectionCheck.Connected;
    }

    /// <summary>How errors name the account: the app and the username (e.g. "CalDav Server account alice").</summary>
    public string AccountName(CalDavSettings settings) => $"{Integration.Title} account {settings.Username}";

    private CalDavSettings SettingsOf(Credential credential) => secrets.Of(credential);
}

/// <summary>cal.com's Apple Calendar app: CalDAV on iCloud (<see cref="AppleCalendarOptions.ServerUrl"/>).</summary>
public sealed class AppleCalendarProvider(ISecretProtector protector, ICalDavClient client) : CalDavCalendarProviderBase(protector, client)
{
    public override CalendarIntegration Integration { get; } = new(
        CalendarApps.Apple.Type,
        CalendarApps.Apple.AppId,
        CalendarApps.Apple.AppId,
        "Apple Calendar",
        Description: "Apple calendar runs both the macOS and iOS mobile operating systems. Connect your Apple calendar to Cal.",
        DirName: "applecalendar");
}

/// <summary>cal.com's CalDav Server app: any CalDAV server (Nextcloud, Fastmail, Radicale, mailbox.org, ...).</summary>
public sealed class CalDavCalendarProvider(ISecretProtector protector, ICalDavClient client) : CalDavCalendarProviderBase(protector, client)
{
    public override CalendarIntegration Integration { get; } = new(
        CalendarApps.CalDav.Type,
        CalendarApps.CalDav.AppId,
        CalendarApps.CalDav.AppId,
        "CalDav Server",
        Description: "Connect to any CalDAV server: Nextcloud, Fastmail, mailbox.org, Radicale and others.",
        DirName: "caldavcalendar");
}

using Cal.Application.Calendars.Common;
using Cal.Application.Calendars.IcsFeeds.Common;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Microsoft.Extensions.Options;

namespace Cal.Application.Calendars.IcsFeeds;

/// <summary>
/// The ICS-feed provider: each URL of the credential is one read-only-or-not calendar. Reads go through
/// <see cref="IIcsFeedSource"/> (cached, conditional requests), so listing, checking and busy times do not
/// download every feed on every call.
/// </summary>
public sealed class IcsFeedCalendarProvider(
    ISecretProtector protector,
    IIcsFeedSource feeds,
    IIcsCalendarParser parser,
    IIcsBusyTimeReader busyTimes,
    IOptions<BusyTimesOptions> busyTimesOptions) : ICalendarProvider
{
    public CalendarIntegration Integration { get; } = new(CalendarApps.IcsFeed.Type, CalendarApps.IcsFeed.AppId, CalendarApps.IcsFeed.AppId, "ICS Feed");

    public async Task<IReadOnlyList<ProviderCalendar>> ListCalendarsAsync(Credential credential, CancellationToken cancellationToken)
    {
        var settings = SettingsOf(credential);
        return await Task.WhenAll(settings.Urls.Select(async url =>
        {
            // The calendar's own name when the feed can be read now; its host otherwise (a list never fails on one feed).
            var feedUrl = IcsFeedUrl.Create(url);
            var feed = await feeds.GetAsync(credential, feedUrl, cancellationToken);
            var name = feed.Value is { } text ? await CalendarNameAsync(text, cancellationToken) : null;
            return new ProviderCalendar(url, name ?? feedUrl.Host, settings.ReadOnly, IsSelected: true);
        }));
    }

    /// <summary>
    /// A feed's <c>X-WR-CALNAME</c>, read once per cached feed text: the cache hands out the same string until the
    /// feed changes, so the name is remembered against that string (and forgotten with it). Without this, every
    /// <c>GET /v2/calendars</c> re-read each feed whole (56–106 ms for a 25 MB feed).
    /// </summary>
    private async Task<string?> CalendarNameAsync(string text, CancellationToken cancellationToken)
    {
        if (CalendarNames.TryGetValue(text, out var known))
        {
            return known.Name;
        }

        var name = (await parser.CheckAsync(new StringReader(text), cancellationToken)).CalendarName;
        CalendarNames.AddOrUpdate(text, new CalendarNameOf(name));
        return name;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<string, CalendarNameOf> CalendarNames = new();

    private sealed record CalendarNameOf(string? Name);

    public async Task<ProviderBusyTimes> GetBusyTimesAsync(Credential credential, IReadOnlyCollection<string>? externalIds, BusyWindow window, CancellationToken cancellationToken)
    {
        var urls = SettingsOf(credential).Urls
            .Select((url, index) => (Url: url, Index: index))
            .Where(u => externalIds is null || externalIds.Contains(u.Url))
            .ToList();
        var budget = busyTimesOptions.Value.Budget;

        var reads = await Task.WhenAll(urls.Select(async u =>
        {
            var feed = await feeds.GetAsync(credential, IcsFeedUrl.Create(u.Url), cancellationToken);
            if (feed.Failure is { } failure)
            {
                // Better no answer than a wrong "free": scheduling on an unreadable calendar double-books.
                throw new CalendarUnavailableException(credential.Id, u.Index, failure, duringCheck: false);
            }

            try
            {
                return (u.Url, Read: await busyTimes.ReadAsync(new StringReader(feed.Value!), window, budget, cancellationToken));
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                // The feed passed the save-time check but its events cannot be read (the reader's library refused it).
                var unreadable = new FeedFailure(FeedFailureReason.ParseError, "The feed's events could not be read.");
                throw new CalendarUnavailableException(credential.Id, u.Index, unreadable, duringCheck: false);
            }
        }));

        return new ProviderBusyTimes(
            reads.SelectMany(r => r.Read.Intervals).ToList(),
            reads.Where(r => r.Read.Truncated).Select(r => r.Url).ToList());
    }

    public async Task<ConnectionCheck> CheckConnectionAsync(Credential credential, CancellationToken cancellationToken)
    {
        var urls = SettingsOf(credential).Urls;
        for (var i = 0; i < urls.Count; i++)
        {
            var feed = await feeds.GetAsync(credential, IcsFeedUrl.Create(urls[i]), cancellationToken);
            var failure = feed.Failure ?? (await parser.CheckAsync(new StringReader(feed.Value!), cancellationToken)).Failure;
            if (failure is not null)
            {
                return new ConnectionCheck(false, i, failure);
            }
        }

        return ConnectionCheck.Connected;
    }

    private IcsFeedSettings SettingsOf(Credential credential) => IcsFeedSecret.Deserialize(protector.Unprotect(credential.ProtectedKey));
}

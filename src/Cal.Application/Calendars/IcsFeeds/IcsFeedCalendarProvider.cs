using Cal.Application.Calendars.Common;
using Cal.Application.Calendars.IcsFeeds.Common;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;

namespace Cal.Application.Calendars.IcsFeeds;

/// <summary>
/// The ICS-feed provider: each URL of the credential is one read-only-or-not calendar. Reads go through
/// <see cref="IIcsFeedSource"/> (cached, conditional requests), so listing, checking and busy times do not
/// download every feed on every call.
/// </summary>
public sealed class IcsFeedCalendarProvider(ISecretProtector protector, IIcsFeedSource feeds) : ICalendarProvider
{
    private readonly DecryptedSecretCache<Feeds> secrets = new(
        protector,
        json => new Feeds(IcsFeedSecretSerializer.Deserialize(json).Urls)
    );

    public CalendarIntegration Integration { get; } =
        new(
            CalendarApps.IcsFeed.Type,
            CalendarApps.IcsFeed.AppId,
            CalendarApps.IcsFeed.AppId,
            "ICS Feed",
            Description: "Import events from an ICS Feed into Cal.com.",
            DirName: "ics-feedcalendar"
        );

    public async Task<IReadOnlyList<ProviderCalendar>> ListCalendarsAsync(Credential credential, CancellationToken cancellationToken)
    {
        var settings = secrets.Of(credential);
        return await Task.WhenAll(
            settings.Urls.Select(
                async (url, index) =>
                {
                    // The calendar's own name when the feed can be read now; its host otherwise (a list never fails on one feed).
                    var feedUrl = settings.Parsed[index];
                    var feed = await feeds.GetAsync(credential, feedUrl, cancellationToken);
                    // a feed cannot be written, whatever was saved (as cal.com reports it)
                    return new ProviderCalendar(url, feed.Value?.CalendarName ?? feedUrl.Host, ReadOnly: true, IsSelected: true);
                }
            )
        );
    }

    public Task<IReadOnlyList<string>> CalendarIdsAsync(Credential credential, CancellationToken cancellationToken) =>
        Task.FromResult(secrets.Of(credential).Urls);

    public async Task<ProviderBusyTimes> GetBusyTimesAsync(
        Credential credential,
        CalendarSelection selection,
        BusyWindow window,
        BusyTimeBudget budget,
        CancellationToken cancellationToken
    )
    {
        var settings = secrets.Of(credential);
        var urls = settings.Urls.Select((url, index) => (Url: url, Index: index)).Where(u => selection.Includes(u.Url)).ToList();

        var reads = await Task.WhenAll(
            urls.Select(async u =>
            {
                var feed = await feeds.GetAsync(credential, settings.Parsed[u.Index], cancellationToken);
                // Better no answer than a wrong "free": scheduling on an unreadable calendar double-books.
                if (!feed.Succeeded || feed.Value.Busy is not { } index)
                {
                    throw new CalendarUnavailableException(
                        credential.Id,
                        u.Index,
                        feed.Failure ?? new FeedFailure(FeedFailureReason.ParseError, "The feed's events could not be read."),
                        duringCheck: false
                    );
                }

                return (u.Url, Read: index.Read(window, budget, cancellationToken));
            })
        );

        return new ProviderBusyTimes(
            reads.SelectMany(r => r.Read.Intervals).ToList(),
            reads.Where(r => r.Read.Truncated).Select(r => r.Url).ToList()
        );
    }

    public async Task<ConnectionCheck> CheckConnectionAsync(Credential credential, CancellationToken cancellationToken)
    {
        var settings = secrets.Of(credential);
        for (var i = 0; i < settings.Urls.Count; i++)
        {
            var feed = await feeds.GetAsync(credential, settings.Parsed[i], cancellationToken);
            if (feed.Failure is { } failure)
            {
                return new ConnectionCheck(false, i, failure);
            }
        }

        return ConnectionCheck.Connected;
    }

    /// <summary>A credential's feed URLs as saved, and parsed.</summary>
    private sealed record Feeds(IReadOnlyList<string> Urls)
    {
        public List<IcsFeedUrl> Parsed { get; } = Urls.Select(IcsFeedUrl.Create).ToList();
    }
}

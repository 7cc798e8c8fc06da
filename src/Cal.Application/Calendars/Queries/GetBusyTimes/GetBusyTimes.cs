using Cal.Application.Calendars.Common;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Mediator;
using Microsoft.Extensions.Options;

namespace Cal.Application.Calendars.Queries.GetBusyTimes;

/// <summary>
/// cal.com's <c>GET /v2/calendars/busy-times</c>. The zone is <c>timeZone</c> (cal.com's current name), else its
/// deprecated alias <c>loggedInUsersTz</c>, else the user's own.
/// </summary>
public sealed record GetBusyTimesQuery(
    int UserId,
    string UserTimeZone,
    string? DateFrom,
    string? DateTo,
    string? LoggedInUsersTz,
    IReadOnlyList<CalendarToLoad> CalendarsToLoad,
    string? RequestedTimeZone = null) : IQuery<BusyTimesDto>
{
    /// <summary>The zone parameter as given (<c>timeZone</c> wins over <c>loggedInUsersTz</c>), or null.</summary>
    public string? ZoneParameter => !string.IsNullOrWhiteSpace(RequestedTimeZone) ? RequestedTimeZone : string.IsNullOrWhiteSpace(LoggedInUsersTz) ? null : LoggedInUsersTz;

    /// <summary>The name the zone parameter was given under, for error messages.</summary>
    public string ZoneParameterName => !string.IsNullOrWhiteSpace(RequestedTimeZone) ? "timeZone" : "loggedInUsersTz";

    public string TimeZone => ZoneParameter ?? UserTimeZone;
}

public sealed record CalendarToLoad(int? CredentialId, string? ExternalId);

public sealed record BusyTimesDto(IReadOnlyList<BusyTime> Intervals, IReadOnlyList<TruncatedCalendar> Truncated);

/// <summary>One busy interval and the app id of the calendar it came from (cal.com's <c>source</c>, e.g. <c>ics-feed</c>).</summary>
public sealed record BusyTime(DateTimeOffset Start, DateTimeOffset End, string Source);

/// <summary>A calendar whose busy times were cut short by the budget.</summary>
public sealed record TruncatedCalendar(int CredentialId, string ExternalId);

public sealed class GetBusyTimesQueryHandler(ICredentialRepository credentials, CalendarProviders providers, IOptions<BusyTimesOptions> options, TimeProvider time)
    : IQueryHandler<GetBusyTimesQuery, BusyTimesDto>
{
    public async ValueTask<BusyTimesDto> Handle(GetBusyTimesQuery query, CancellationToken cancellationToken)
    {
        // The budget's clock starts with the request's work: time spent fetching counts too.
        var budget = options.Value.Budget.StartingNow();

        // The validation behaviour has checked that both dates and the zone parse.
        BusyWindowParser.TryFindZone(query.TimeZone, out var zone);
        BusyWindowParser.TryParseInstant(query.DateFrom, zone, out var from);
        BusyWindowParser.TryParseInstant(query.DateTo, zone, out var to, endOfDay: true);
        var window = BusyWindowParser.Clamp(BusyWindowParser.Window(from, to, zone), time.GetUtcNow());

        var loads = await SelectCalendarsAsync(query, cancellationToken);
        var results = await Task.WhenAll(loads.Select(async load =>
            (load.Credential, load.Provider, Busy: await load.Provider.GetBusyTimesAsync(load.Credential, load.ExternalIds, window, budget, cancellationToken))));

        // Each provider returns only intervals overlapping the window (ICalendarProvider's contract); here they are merged.
        var intervals = new List<BusyTime>(results.Sum(r => r.Busy.Intervals.Count));
        foreach (var (_, provider, busy) in results)
        {
            var source = provider.Integration.AppId;
            foreach (var interval in busy.Intervals)
            {
                intervals.Add(new BusyTime(interval.Start, interval.End, source));
            }
        }

        // Usually already in order (one calendar, read sorted); several are merged by one sort.
        if (!IsSorted(intervals))
        {
            intervals.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));
        }
        var truncated = results.SelectMany(r => r.Busy.TruncatedExternalIds.Select(id => new TruncatedCalendar(r.Credential.Id, id))).ToList();
        return new BusyTimesDto(intervals, truncated);
    }

    private static bool IsSorted(List<BusyTime> intervals)
    {
        for (var i = 1; i < intervals.Count; i++)
        {
            if (intervals[i].Start < intervals[i - 1].Start || (intervals[i].Start == intervals[i - 1].Start && intervals[i].End < intervals[i - 1].End))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Every calendar of the user by default; otherwise the credentials (and calendars within them) asked for.</summary>
    private async Task<List<(Credential Credential, ICalendarProvider Provider, IReadOnlyCollection<string>? ExternalIds)>> SelectCalendarsAsync(
        GetBusyTimesQuery query, CancellationToken cancellationToken)
    {
        var selected = new List<(Credential, ICalendarProvider, IReadOnlyCollection<string>?)>();
        if (query.CalendarsToLoad.Count == 0)
        {
            foreach (var credential in await credentials.ListForUserAsync(query.UserId, cancellationToken))
            {
                if (providers.For(credential.Type) is { } provider)
                {
                    selected.Add((credential, provider, null));
                }
            }

            return selected;
        }

        foreach (var group in query.CalendarsToLoad.GroupBy(c => c.CredentialId!.Value))
        {
            // Another user's credential and an unknown one look the same.
            var credential = await credentials.FindForUserAsync(query.UserId, group.Key, cancellationToken)
                ?? throw new NotFoundException($"Credential {group.Key} not found.");
            var provider = providers.For(credential.Type) ?? throw new NotFoundException($"Credential {group.Key} not found.");
            var externalIds = group.Any(c => string.IsNullOrEmpty(c.ExternalId)) ? null : group.Select(c => c.ExternalId!).ToHashSet(StringComparer.Ordinal);
            selected.Add((credential, provider, externalIds));
        }

        return selected;
    }
}

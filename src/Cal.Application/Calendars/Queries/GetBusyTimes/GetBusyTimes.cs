using Cal.Application.Calendars.Common;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.Common.Telemetry;
using Cal.Domain.Calendars;
using Mediator;
using Microsoft.Extensions.Options;
using Cal.Application.Common.Behaviours;

namespace Cal.Application.Calendars.Queries.GetBusyTimes;

/// <summary>
/// cal.com's <c>GET /v2/calendars/busy-times</c>, its window parsed where the request came in (<see cref="BusyWindowInput"/>).
/// </summary>
public sealed record GetBusyTimesQuery(int UserId, BusyWindowInput Window, IReadOnlyList<CalendarToLoad> CalendarsToLoad) : IQuery<BusyTimesDto>, IValidated;

public sealed record CalendarToLoad(int? CredentialId, string? ExternalId);

/// <summary>
/// The answer: each calendar source's intervals as read (each sorted by start, then end), merged in that order on the
/// way out (<see cref="Merge"/>) rather than copied into one list of new objects: a year of a large feed is hundreds
/// of thousands of intervals, and a copy per interval cost more than reading them from the index.
/// </summary>
public sealed class BusyTimesDto(IReadOnlyList<SourcedBusyIntervals> sources, IReadOnlyList<TruncatedCalendar> truncated)
{
    private IReadOnlyList<BusyTime>? merged;

    public IReadOnlyList<SourcedBusyIntervals> Sources { get; } = sources;

    public IReadOnlyList<TruncatedCalendar> Truncated { get; } = truncated;

    /// <summary>Every interval, merged in order, as objects (built on first use; the HTTP answer uses <see cref="Merge"/>).</summary>
    public IReadOnlyList<BusyTime> Intervals => merged ??= Materialize();

    /// <summary>A cursor over every source's intervals in one order (start, then end).</summary>
    public BusyTimeMerge Merge() => new(Sources);

    private List<BusyTime> Materialize()
    {
        var all = new List<BusyTime>(Sources.Sum(s => s.Intervals.Count));
        var merge = Merge();
        while (merge.MoveNext())
        {
            all.Add(new BusyTime(merge.Current.Start, merge.Current.End, merge.Source));
        }

        return all;
    }
}

/// <summary>One calendar source's busy intervals, sorted by start then end, and its app id (<c>source</c>).</summary>
public sealed record SourcedBusyIntervals(string Source, IReadOnlyList<BusyInterval> Intervals);

/// <summary>A k-way merge of sorted sources (k is the number of providers asked: small).</summary>
public sealed class BusyTimeMerge(IReadOnlyList<SourcedBusyIntervals> sources)
{
    private readonly int[] positions = new int[sources.Count];

    public BusyInterval Current { get; private set; } = null!;

    public string Source { get; private set; } = "";

    public bool MoveNext()
    {
        var best = -1;
        BusyInterval? bestInterval = null;
        for (var s = 0; s < sources.Count; s++)
        {
            var list = sources[s].Intervals;
            if (positions[s] >= list.Count)
            {
                continue;
            }

            var candidate = list[positions[s]];
            if (bestInterval is null || candidate.Start < bestInterval.Start || (candidate.Start == bestInterval.Start && candidate.End < bestInterval.End))
            {
                best = s;
                bestInterval = candidate;
            }
        }

        if (bestInterval is null)
        {
            return false;
        }

        positions[best]++;
        Current = bestInterval;
        Source = sources[best].Source;
        return true;
    }
}

/// <summary>One busy interval and the app id of the calendar it came from (cal.com's <c>source</c>, e.g. <c>ics-feed</c>).</summary>
public sealed record BusyTime(DateTimeOffset Start, DateTimeOffset End, string Source);

/// <summary>A calendar whose busy times were cut short by the budget.</summary>
public sealed record TruncatedCalendar(int CredentialId, string ExternalId);

public sealed class GetBusyTimesQueryHandler(
    UserCalendarsReader calendars,
    CalendarProviders providers,
    IOptions<BusyTimesOptions> options,
    TimeProvider time)
    : IQueryHandler<GetBusyTimesQuery, BusyTimesDto>
{
    public async ValueTask<BusyTimesDto> Handle(GetBusyTimesQuery query, CancellationToken cancellationToken)
    {
        // The budget's clock starts with the request's work: time spent fetching counts too.
        var budget = options.Value.Budget.StartingNow();

        // The validation behaviour has refused a window with problems.
        var window = BusyWindowParser.Clamp(query.Window.Window ?? throw new InvalidOperationException("An unparsed busy-times window reached its handler."), time.GetUtcNow());

        // The user's credentials and deselections from the read model (no database round trip when warm).
        var user = await calendars.ReadAsync(query.UserId, cancellationToken);
        var loads = SelectCalendars(query, user);
        var results = await Task.WhenAll(loads.Select(async load =>
        {
            // Calendars the user deselected give nothing, whether asked for by name or not.
            var selection = user.SelectionFor(load.Credential, load.ExternalIds);
            return (load.Credential, load.Provider, Busy: await load.Provider.GetBusyTimesAsync(load.Credential, selection, window, budget, cancellationToken));
        }));

        // Each provider returns only intervals overlapping the window (ICalendarProvider's contract). Each source is put
        // in order here (usually it already is: one calendar, read sorted) and the sources are merged on the way out.
        var sources = results
            .Where(r => r.Busy.Intervals.Count > 0)
            .Select(r => new SourcedBusyIntervals(r.Provider.Integration.AppId, IsSorted(r.Busy.Intervals) ? r.Busy.Intervals : Sorted(r.Busy.Intervals)))
            .ToList();
        var truncated = results.SelectMany(r => r.Busy.TruncatedExternalIds.Select(id => new TruncatedCalendar(r.Credential.Id, id))).ToList();
        CalMetrics.BusyTimesDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(budget.StartedAt).TotalSeconds);
        if (truncated.Count > 0)
        {
            CalMetrics.BusyTimesTruncations.Add(truncated.Count);
        }

        return new BusyTimesDto(sources, truncated);
    }

    private static List<BusyInterval> Sorted(IReadOnlyList<BusyInterval> intervals)
    {
        var sorted = intervals.ToList();
        sorted.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));
        return sorted;
    }

    private static bool IsSorted(IReadOnlyList<BusyInterval> intervals)
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
    private List<(Credential Credential, ICalendarProvider Provider, IReadOnlyCollection<string>? ExternalIds)> SelectCalendars(GetBusyTimesQuery query, UserCalendars user)
    {
        var selected = new List<(Credential, ICalendarProvider, IReadOnlyCollection<string>?)>();
        if (query.CalendarsToLoad.Count == 0)
        {
            foreach (var credential in user.Credentials)
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
            var credential = user.Find(group.Key) ?? throw new NotFoundException($"Credential {group.Key} not found.");
            var provider = providers.For(credential.Type) ?? throw new NotFoundException($"Credential {group.Key} not found.");
            var externalIds = group.Any(c => string.IsNullOrEmpty(c.ExternalId)) ? null : group.Select(c => c.ExternalId!).ToHashSet(StringComparer.Ordinal);
            selected.Add((credential, provider, externalIds));
        }

        return selected;
    }
}

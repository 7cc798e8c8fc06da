using Cal.Application.Calendars.Common;
using Cal.Application.Common.Behaviours;
using Mediator;

namespace Cal.Application.Calendars.Queries.GetBusyTimes;

/// <summary>
/// cal.com's <c>GET /v2/calendars/busy-times</c>, its window parsed where the request came in (<see cref="BusyWindowInput"/>).
/// </summary>
public sealed record GetBusyTimesQuery(int UserId, BusyWindowInput Window, IReadOnlyList<CalendarToLoad> CalendarsToLoad)
    : IQuery<MergedBusyTimes>,
        IValidated;

public sealed record CalendarToLoad(int? CredentialId, string? ExternalId);

/// <summary>
/// The answer: each calendar source's intervals as read (each sorted by start, then end), merged in that order on the
/// way out (<see cref="Merge"/>) rather than copied into one list of new objects: a year of a large feed is hundreds
/// of thousands of intervals, and a copy per interval cost more than reading them from the index.
/// </summary>
public sealed class MergedBusyTimes(IReadOnlyList<SourcedBusyIntervals> sources, IReadOnlyList<TruncatedCalendar> truncated)
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
            if (
                bestInterval is null
                || candidate.Start < bestInterval.Start
                || (candidate.Start == bestInterval.Start && candidate.End < bestInterval.End)
            )
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

public sealed class GetBusyTimesQueryHandler(BusyTimeService busyTimes) : IQueryHandler<GetBusyTimesQuery, MergedBusyTimes>
{
    public async ValueTask<MergedBusyTimes> Handle(GetBusyTimesQuery query, CancellationToken cancellationToken) =>
        // The validation behaviour has refused a window with problems.
        await busyTimes.ReadAsync(
            query.UserId,
            query.Window.Window ?? throw new InvalidOperationException("An unparsed busy-times window reached its handler."),
            query.CalendarsToLoad,
            cancellationToken
        );
}

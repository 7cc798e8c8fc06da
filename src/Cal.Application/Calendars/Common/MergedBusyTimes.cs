namespace Cal.Application.Calendars.Common;

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

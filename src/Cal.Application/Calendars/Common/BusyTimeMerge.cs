namespace Cal.Application.Calendars.Common;

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

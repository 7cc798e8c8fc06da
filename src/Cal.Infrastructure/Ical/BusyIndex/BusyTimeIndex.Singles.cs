using System.Runtime.CompilerServices;
using Cal.Application.Calendars.Common;
using Cal.Infrastructure.Ical.Recurrence;
using Cal.Infrastructure.Ical.Zones;
using NodaTime;

namespace Cal.Infrastructure.Ical.BusyIndex;

/// <summary>The index's single events (<see cref="BusyTimeIndex"/>).</summary>
internal sealed partial class BusyTimeIndex
{
    /// <summary>Single events sorted by start; events longer than a week kept apart, so the search back from a window is at most a
    /// week.</summary>
    private sealed class Singles
    {
        private readonly long[] starts;
        private readonly long[] ends;
        private readonly long maxShort;
        private readonly (long Start, long End)[] longOnes;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot at indexing: compiled optimised at once (a fresh server's first index)
        public Singles(List<(long Start, long End)> items)
        {
            var shortCount = 0;
            foreach (var (start, end) in items)
            {
                shortCount += end - start <= LongEvent ? 1 : 0;
            }

            starts = new long[shortCount];
            ends = new long[shortCount];
            var longList = new List<(long, long)>(items.Count - shortCount);
            var n = 0;
            foreach (var (start, end) in items)
            {
                if (end - start <= LongEvent)
                {
                    starts[n] = start;
                    ends[n++] = end;
                    maxShort = Math.Max(maxShort, end - start);
                }
                else
                {
                    longList.Add((start, end));
                }
            }

            Array.Sort(starts, ends);
            longOnes = [.. longList];
        }

        public long Bytes => (starts.Length * 16L) + (longOnes.Length * 16L);

        /// <summary>With <paramref name="zone"/> null the ticks are UTC; otherwise they are wall ticks read in that zone.</summary>
        public void Read(long from, long to, DateTimeZone? zone, ExpansionBudget budget, List<BusyInterval> intervals)
        {
            // Wall times are within a day of their instant in every zone.
            var margin = zone is null ? 0 : Day;
            var first = LowerBound(starts, from - maxShort - margin);
            for (var i = first; i < starts.Length && starts[i] < to + margin; i++)
            {
                if (!Take(starts[i], ends[i], from, to, zone, budget, intervals))
                {
                    return;
                }
            }

            foreach (var (start, end) in longOnes)
            {
                if (!Take(start, end, from, to, zone, budget, intervals))
                {
                    return;
                }
            }
        }

        private static bool Take(
            long start,
            long end,
            long from,
            long to,
            DateTimeZone? zone,
            ExpansionBudget budget,
            List<BusyInterval> intervals
        )
        {
            if (!budget.Step())
            {
                return false;
            }

            if (zone is not null)
            {
                start = WallClock.ToUtcTicks(new DateTime(start, DateTimeKind.Unspecified), zone);
                end = WallClock.ToUtcTicks(new DateTime(end, DateTimeKind.Unspecified), zone);
            }

            if (Overlaps(start, end, from, to))
            {
                if (!budget.TakeOccurrence())
                {
                    return false;
                }

                Add(start, end, intervals);
            }

            return true;
        }

        private static int LowerBound(long[] values, long value)
        {
            int lo = 0,
                hi = values.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (values[mid] < value)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }
    }
}

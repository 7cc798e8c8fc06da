using Cal.Infrastructure.Ical.Recurrence;
using NodaTime;
using NodaTime.TimeZones;

namespace Cal.Infrastructure.Ical.Zones;

/// <summary>One STANDARD or DAYLIGHT block of a VTIMEZONE: from its wall-clock onset on, the offset is <see cref="OffsetTo"/>.</summary>
internal sealed class Observance
{
    public DateTime Start { get; set; }

    public TimeSpan? OffsetFrom { get; set; }

    public TimeSpan? OffsetTo { get; set; }

    public RecurrenceRule? Rule { get; set; }

    public List<DateTime> RDates { get; } = [];
}

/// <summary>
/// A feed's VTIMEZONE, read into its transitions (UTC instant → offset) from its own rules. Bounded: at most
/// <see cref="MaxObservances"/> blocks are read and <see cref="MaxTransitions"/> transitions made, up to
/// <see cref="LastYear"/>; a hostile definition with tens of thousands of blocks costs no more than that.
/// </summary>
internal sealed class VTimeZoneDefinition(string tzId)
{
    public const int MaxObservances = 1_000;
    public const int MaxTransitions = 20_000;
    public const int LastYear = 2200;

    public string TzId { get; set; } = tzId;

    public List<Observance> Observances { get; } = [];

    /// <summary>UTC ticks of each transition, ascending, and the offset from that instant on; <c>Initial</c> before the first.</summary>
    public (long[] UtcTicks, TimeSpan[] Offsets, TimeSpan Initial)? Transitions()
    {
        var usable = Observances.Where(o => o.OffsetTo is not null).ToList();
        if (usable.Count == 0)
        {
            return null;
        }

        var transitions = new List<(long Ticks, TimeSpan Offset)>();
        var budget = ExpansionBudget.For(MaxTransitions, TimeSpan.FromSeconds(1));
        var onsets = new List<DateTime>();
        foreach (var observance in usable)
        {
            var from = observance.OffsetFrom ?? observance.OffsetTo!.Value;
            onsets.Clear();
            onsets.Add(observance.Start);
            onsets.AddRange(observance.RDates);
            if (observance.Rule is { } rule)
            {
                DateTime? until = rule.Until is { } u ? (rule.UntilIsUtc ? u + from : u) : null;
                new RecurrenceExpander(rule, observance.Start).Expand(
                    observance.Start,
                    new DateTime(LastYear, 1, 1),
                    until,
                    budget,
                    onsets
                );
            }

            foreach (var onset in onsets.Distinct())
            {
                var utc = onset.Ticks - from.Ticks;
                if (utc > 0 && transitions.Count < MaxTransitions)
                {
                    transitions.Add((utc, observance.OffsetTo!.Value));
                }
            }
        }

        transitions.Sort((a, b) => a.Ticks.CompareTo(b.Ticks));
        var first = usable.OrderBy(o => o.Start).First();
        var initial = first.OffsetFrom ?? first.OffsetTo!.Value;
        return ([.. transitions.Select(t => t.Ticks)], [.. transitions.Select(t => t.Offset)], initial);
    }
}

/// <summary>A zone that follows a VTIMEZONE's own transitions (no IANA zone has them: a fixed -07:41, made-up rules).</summary>
internal sealed class RuleZone : DateTimeZone
{
    private readonly long[] utcTicks;
    private readonly Offset[] offsets;
    private readonly Offset initial;

    private RuleZone(string id, long[] utcTicks, Offset[] offsets, Offset initial, Offset min, Offset max)
        : base(id, utcTicks.Length == 0, min, max)
    {
        this.utcTicks = utcTicks;
        this.offsets = offsets;
        this.initial = initial;
    }

    public static RuleZone Create(string id, long[] utcTicks, TimeSpan[] offsets, TimeSpan initial)
    {
        var all = offsets.Select(Offset.FromTimeSpan).Append(Offset.FromTimeSpan(initial)).ToList();
        return new RuleZone(id, utcTicks, [.. offsets.Select(Offset.FromTimeSpan)], Offset.FromTimeSpan(initial), all.Min(), all.Max());
    }

    public override ZoneInterval GetZoneInterval(Instant instant)
    {
        var ticks = instant.ToUnixTimeTicks() + DateTime.UnixEpoch.Ticks; // no throw outside DateTime's range
        var index = Array.BinarySearch(utcTicks, ticks);
        var last = index >= 0 ? index : ~index - 1; // the last transition at or before the instant
        Instant? start = last >= 0 ? Instant.FromUnixTimeTicks(utcTicks[last] - DateTime.UnixEpoch.Ticks) : null;
        Instant? end = last + 1 < utcTicks.Length ? Instant.FromUnixTimeTicks(utcTicks[last + 1] - DateTime.UnixEpoch.Ticks) : null;
        return new ZoneInterval(Id, start, end, last >= 0 ? offsets[last] : initial, Offset.Zero);
    }
}

namespace Cal.Application.Calendars.Common;

/// <summary>One calendar source's busy intervals, sorted by start then end, and its app id (<c>source</c>).</summary>
public sealed record SourcedBusyIntervals(string Source, IReadOnlyList<BusyInterval> Intervals);

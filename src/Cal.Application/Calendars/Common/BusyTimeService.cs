using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Telemetry;
using Cal.Domain.Calendars;
using Microsoft.Extensions.Options;

namespace Cal.Application.Calendars.Common;

/// <summary>
/// A user's busy times over a window, from every selected calendar (each through its provider), as busy times, slots
/// and bookings read them: one service, so every use case that needs them asks it directly rather than through another
/// use case's handler.
/// </summary>
public sealed class BusyTimeService(UserCalendarsReader calendars, CalendarProviders providers, IOptions<BusyTimesOptions> options)
{
    /// <summary>
    /// Every busy interval of the user's selected calendars (or of <paramref name="calendarsToLoad"/>) overlapping the
    /// window, each source sorted; a calendar that cannot be read throws <see cref="CalendarUnavailableException"/>.
    /// </summary>
    public async Task<MergedBusyTimes> ReadAsync(
        int userId,
        BusyWindow window,
        IReadOnlyList<CalendarToLoad> calendarsToLoad,
        CancellationToken cancellationToken
    )
    {
        // The budget's clock starts with the request's work: time spent fetching counts too.
        var budget = options.Value.Budget.StartingNow();

        // The user's credentials and deselections from the read model (no database round trip when warm).
        var user = await calendars.ReadAsync(userId, cancellationToken);
        var loads = SelectCalendars(calendarsToLoad, user);
        var results = await Task.WhenAll(
            loads.Select(async load =>
            {
                // Calendars the user deselected give nothing, whether asked for by name or not.
                var selection = user.SelectionFor(load.Credential, load.ExternalIds);
                return (
                    load.Credential,
                    load.Provider,
                    Busy: await load.Provider.GetBusyTimesAsync(load.Credential, selection, window, budget, cancellationToken)
                );
            })
        );

        // Each provider returns only intervals overlapping the window (ICalendarProvider's contract). Each source is put
        // in order here (usually it already is: one calendar, read sorted) and the sources are merged on the way out.
        var sources = results
            .Where(r => r.Busy.Intervals.Count > 0)
            .Select(r => new SourcedBusyIntervals(
                r.Provider.Integration.AppId,
                IsSorted(r.Busy.Intervals) ? r.Busy.Intervals : Sorted(r.Busy.Intervals)
            ))
            .ToList();
        var truncated = results
            .SelectMany(r => r.Busy.TruncatedExternalIds.Select(id => new TruncatedCalendar(r.Credential.Id, id)))
            .ToList();
        CalMetrics.BusyTimesDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(budget.StartedAt).TotalSeconds);
        if (truncated.Count > 0)
        {
            CalMetrics.BusyTimesTruncations.Add(truncated.Count);
        }

        return new MergedBusyTimes(sources, truncated);
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
            if (
                intervals[i].Start < intervals[i - 1].Start
                || (intervals[i].Start == intervals[i - 1].Start && intervals[i].End < intervals[i - 1].End)
            )
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Every calendar of the user by default; otherwise the credentials (and calendars within them) asked for.</summary>
    private List<(Credential Credential, ICalendarProvider Provider, IReadOnlyCollection<string>? ExternalIds)> SelectCalendars(
        IReadOnlyList<CalendarToLoad> calendarsToLoad,
        UserCalendars user
    )
    {
        var selected = new List<(Credential, ICalendarProvider, IReadOnlyCollection<string>?)>();
        if (calendarsToLoad.Count == 0)
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

        foreach (var group in calendarsToLoad.GroupBy(c => c.CredentialId!.Value))
        {
            // Another user's credential and an unknown one look the same.
            var credential = user.Find(group.Key) ?? throw new NotFoundException($"Credential {group.Key} not found.");
            var provider = providers.For(credential.Type) ?? throw new NotFoundException($"Credential {group.Key} not found.");
            var externalIds = group.Any(c => string.IsNullOrEmpty(c.ExternalId))
                ? null
                : group.Select(c => c.ExternalId!).ToHashSet(StringComparer.Ordinal);
            selected.Add((credential, provider, externalIds));
        }

        return selected;
    }
}

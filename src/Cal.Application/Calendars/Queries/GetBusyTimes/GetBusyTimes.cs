using Cal.Application.Calendars.Common;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Mediator;

namespace Cal.Application.Calendars.Queries.GetBusyTimes;

/// <summary>cal.com's <c>GET /v2/calendars/busy-times</c>.</summary>
public sealed record GetBusyTimesQuery(
    int UserId,
    string UserTimeZone,
    string? DateFrom,
    string? DateTo,
    string? LoggedInUsersTz,
    IReadOnlyList<CalendarToLoad> CalendarsToLoad) : IQuery<BusyTimesDto>
{
    public string TimeZone => string.IsNullOrWhiteSpace(LoggedInUsersTz) ? UserTimeZone : LoggedInUsersTz;
}

public sealed record CalendarToLoad(int? CredentialId, string? ExternalId);

public sealed record BusyTimesDto(IReadOnlyList<BusyInterval> Intervals, IReadOnlyList<TruncatedCalendar> Truncated);

/// <summary>A calendar whose busy times were cut short by the per-feed budget.</summary>
public sealed record TruncatedCalendar(int CredentialId, string ExternalId);

public sealed class GetBusyTimesQueryHandler(ICredentialRepository credentials, CalendarProviders providers)
    : IQueryHandler<GetBusyTimesQuery, BusyTimesDto>
{
    public async ValueTask<BusyTimesDto> Handle(GetBusyTimesQuery query, CancellationToken cancellationToken)
    {
        // The validation behaviour has checked that both dates and the zone parse.
        BusyWindowParser.TryFindZone(query.TimeZone, out var zone);
        BusyWindowParser.TryParseInstant(query.DateFrom, zone, out var from);
        BusyWindowParser.TryParseInstant(query.DateTo, zone, out var to);
        var window = BusyWindowParser.Window(from, to, zone);

        var loads = await SelectCalendarsAsync(query, cancellationToken);
        var results = await Task.WhenAll(loads.Select(async load =>
            (load.Credential, Busy: await load.Provider.GetBusyTimesAsync(load.Credential, load.ExternalIds, window, cancellationToken))));

        // Each provider returns only intervals overlapping the window (ICalendarProvider's contract); here they are merged.
        var intervals = results.SelectMany(r => r.Busy.Intervals).OrderBy(i => i.Start).ThenBy(i => i.End).ToList();
        var truncated = results.SelectMany(r => r.Busy.TruncatedExternalIds.Select(id => new TruncatedCalendar(r.Credential.Id, id))).ToList();
        return new BusyTimesDto(intervals, truncated);
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

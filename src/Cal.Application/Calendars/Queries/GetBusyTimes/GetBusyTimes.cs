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

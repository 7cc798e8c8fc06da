using AutoMapper;
using Cal.Application.Common.Interfaces;
using Cal.Application.Schedules.Common;
using Mediator;

namespace Cal.Application.Schedules.Queries.GetDefaultSchedule;

/// <summary>cal.com's <c>GET /v2/schedules/default</c>: the default schedule, or null.</summary>
public sealed record GetDefaultScheduleQuery(int UserId) : IQuery<ScheduleDto?>;

public sealed class GetDefaultScheduleQueryHandler(IScheduleRepository schedules, IMapper mapper)
    : IQueryHandler<GetDefaultScheduleQuery, ScheduleDto?>
{
    public async ValueTask<ScheduleDto?> Handle(GetDefaultScheduleQuery query, CancellationToken cancellationToken) =>
        (await schedules.ListAsync(query.UserId, cancellationToken))
            .Where(s => s.IsDefault)
            .Select(x => mapper.Map<ScheduleDto>(x))
            .FirstOrDefault();
}

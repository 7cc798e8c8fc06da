using AutoMapper;
using Cal.Application.Common.Interfaces;
using Cal.Application.Schedules.Common;
using Mediator;

namespace Cal.Application.Schedules.Queries.GetSchedules;

/// <summary>cal.com's <c>GET /v2/schedules</c>: the caller's schedules.</summary>
public sealed record GetSchedulesQuery(int UserId) : IQuery<IReadOnlyList<ScheduleDto>>;

public sealed class GetSchedulesQueryHandler(IScheduleRepository schedules, IMapper mapper)
    : IQueryHandler<GetSchedulesQuery, IReadOnlyList<ScheduleDto>>
{
    public async ValueTask<IReadOnlyList<ScheduleDto>> Handle(GetSchedulesQuery query, CancellationToken cancellationToken) =>
        (await schedules.ListAsync(query.UserId, cancellationToken)).Select(x => mapper.Map<ScheduleDto>(x)).ToList();
}

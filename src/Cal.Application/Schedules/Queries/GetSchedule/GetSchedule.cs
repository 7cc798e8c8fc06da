using AutoMapper;
using Cal.Application.Common.Interfaces;
using Cal.Application.Schedules.Common;
using Mediator;

namespace Cal.Application.Schedules.Queries.GetSchedule;

/// <summary>cal.com's <c>GET /v2/schedules/{id}</c>: unknown <c>404</c>, another user's <c>403</c>.</summary>
public sealed record GetScheduleQuery(int UserId, int ScheduleId) : IQuery<ScheduleDto>;

public sealed class GetScheduleQueryHandler(IScheduleRepository schedules, IMapper mapper) : IQueryHandler<GetScheduleQuery, ScheduleDto>
{
    public async ValueTask<ScheduleDto> Handle(GetScheduleQuery query, CancellationToken cancellationToken) =>
        mapper.Map<ScheduleDto>(await schedules.FindOwnedAsync(query.UserId, query.ScheduleId, cancellationToken));
}

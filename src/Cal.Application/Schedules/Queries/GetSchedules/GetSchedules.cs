using AutoMapper;
using Cal.Application.Common.Interfaces;
using Cal.Application.Schedules.Common;
using Mediator;

namespace Cal.Application.Schedules.Queries.GetSchedules;

/// <summary>cal.com's <c>GET /v2/schedules</c>: the caller's schedules.</summary>
public sealed record GetSchedulesQuery(int UserId) : IQuery<IReadOnlyList<ScheduleDto>>;

/// <summary>cal.com's <c>GET /v2/schedules/default</c>: the default schedule, or null.</summary>
public sealed record GetDefaultScheduleQuery(int UserId) : IQuery<ScheduleDto?>;

/// <summary>cal.com's <c>GET /v2/schedules/{id}</c>: unknown <c>404</c>, another user's <c>403</c>.</summary>
public sealed record GetScheduleQuery(int UserId, int ScheduleId) : IQuery<ScheduleDto>;

public sealed class GetSchedulesHandlers(IScheduleRepository schedules, IMapper mapper)
    : IQueryHandler<GetSchedulesQuery, IReadOnlyList<ScheduleDto>>,
        IQueryHandler<GetDefaultScheduleQuery, ScheduleDto?>,
        IQueryHandler<GetScheduleQuery, ScheduleDto>
{
    public async ValueTask<IReadOnlyList<ScheduleDto>> Handle(GetSchedulesQuery query, CancellationToken cancellationToken) =>
        (await schedules.ListAsync(query.UserId, cancellationToken)).Select(x => mapper.Map<ScheduleDto>(x)).ToList();

    public async ValueTask<ScheduleDto?> Handle(GetDefaultScheduleQuery query, CancellationToken cancellationToken) =>
        (await schedules.ListAsync(query.UserId, cancellationToken))
            .Where(s => s.IsDefault)
            .Select(x => mapper.Map<ScheduleDto>(x))
            .FirstOrDefault();

    public async ValueTask<ScheduleDto> Handle(GetScheduleQuery query, CancellationToken cancellationToken) =>
        mapper.Map<ScheduleDto>(await schedules.FindOwnedAsync(query.UserId, query.ScheduleId, cancellationToken));
}

using AutoMapper;
using Cal.Application.Common.Interfaces;
using Cal.Application.EventTypes.Common;
using Mediator;

namespace Cal.Application.EventTypes.Queries.GetEventTypes;

/// <summary>cal.com's <c>GET /v2/event-types</c>: the caller's.</summary>
public sealed record GetEventTypesQuery(int UserId) : IQuery<IReadOnlyList<EventTypeDto>>;

public sealed class GetEventTypesQueryHandler(IEventTypeRepository eventTypes, IMapper mapper)
    : IQueryHandler<GetEventTypesQuery, IReadOnlyList<EventTypeDto>>
{
    public async ValueTask<IReadOnlyList<EventTypeDto>> Handle(GetEventTypesQuery query, CancellationToken cancellationToken) =>
        (await eventTypes.ListAsync(query.UserId, cancellationToken)).Select(x => mapper.Map<EventTypeDto>(x)).ToList();
}

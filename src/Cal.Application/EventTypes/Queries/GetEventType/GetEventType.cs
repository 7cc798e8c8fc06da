using AutoMapper;
using Cal.Application.Common.Interfaces;
using Cal.Application.EventTypes.Common;
using Mediator;

namespace Cal.Application.EventTypes.Queries.GetEventType;

/// <summary>cal.com's <c>GET /v2/event-types/{id}</c>: the caller's own.</summary>
public sealed record GetEventTypeQuery(int UserId, int EventTypeId) : IQuery<EventTypeDto>;

public sealed class GetEventTypeQueryHandler(IEventTypeRepository eventTypes, IMapper mapper)
    : IQueryHandler<GetEventTypeQuery, EventTypeDto>
{
    public async ValueTask<EventTypeDto> Handle(GetEventTypeQuery query, CancellationToken cancellationToken) =>
        mapper.Map<EventTypeDto>(await eventTypes.FindOwnedAsync(query.UserId, query.EventTypeId, cancellationToken));
}

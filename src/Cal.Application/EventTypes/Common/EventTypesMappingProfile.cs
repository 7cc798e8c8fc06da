using AutoMapper;
using Cal.Domain.EventTypes;

namespace Cal.Application.EventTypes.Common;

/// <summary>The event types feature's mappings: an event type as cal.com's <c>EventTypeOutput_2024_06_14</c> shows it.</summary>
public sealed class EventTypesMappingProfile : Profile
{
    public EventTypesMappingProfile()
    {
        CreateMap<EventType, EventTypeDto>().ForCtorParam(nameof(EventTypeDto.OwnerId), o => o.MapFrom(e => e.UserId));
    }
}

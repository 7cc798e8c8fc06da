using AutoMapper;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Interfaces;
using Cal.Application.EventTypes.Common;
using Cal.Domain.EventTypes;
using Mediator;

namespace Cal.Application.EventTypes.Commands.CreateEventType;

/// <summary>cal.com's <c>POST /v2/event-types</c> (2024-06-14): a slug taken by the same owner is <c>409</c>.</summary>
public sealed record CreateEventTypeCommand(int UserId, EventTypeFields Fields) : ICommand<EventTypeDto>, IValidated;

public sealed class CreateEventTypeCommandHandler(IEventTypeRepository eventTypes, IScheduleRepository schedules, IMapper mapper)
    : ICommandHandler<CreateEventTypeCommand, EventTypeDto>
{
    public async ValueTask<EventTypeDto> Handle(CreateEventTypeCommand command, CancellationToken cancellationToken)
    {
        var f = command.Fields;
        await schedules.EnsureOwnedAsync(command.UserId, f.ScheduleId, cancellationToken);
        var eventType = EventType.Create(command.UserId, f.Title!, f.Slug!, f.LengthInMinutes!.Value);
        eventType.Change(
            description: f.Description,
            scheduleId: f.ScheduleId,
            beforeEventBuffer: f.BeforeEventBuffer,
            afterEventBuffer: f.AfterEventBuffer,
            minimumBookingNotice: f.MinimumBookingNotice,
            slotInterval: f.SlotInterval
        );
        await eventTypes.AddAsync(eventType, cancellationToken);
        return mapper.Map<EventTypeDto>(eventType);
    }
}

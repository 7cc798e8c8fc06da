using AutoMapper;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Interfaces;
using Cal.Application.EventTypes.Common;
using Mediator;

namespace Cal.Application.EventTypes.Commands.UpdateEventType;

/// <summary>cal.com's <c>PATCH /v2/event-types/{id}</c>: what is given changes.</summary>
public sealed record UpdateEventTypeCommand(int UserId, int EventTypeId, EventTypeFields Fields) : ICommand<EventTypeDto>, IValidated;

public sealed class UpdateEventTypeCommandHandler(IEventTypeRepository eventTypes, IScheduleRepository schedules, IMapper mapper)
    : ICommandHandler<UpdateEventTypeCommand, EventTypeDto>
{
    public async ValueTask<EventTypeDto> Handle(UpdateEventTypeCommand command, CancellationToken cancellationToken)
    {
        var f = command.Fields;
        var eventType = await eventTypes.FindOwnedAsync(command.UserId, command.EventTypeId, cancellationToken);
        await schedules.EnsureOwnedAsync(command.UserId, f.ScheduleId, cancellationToken);
        eventType.Change(
            f.Title,
            f.Slug,
            f.LengthInMinutes,
            f.Description,
            f.ScheduleId,
            f.BeforeEventBuffer,
            f.AfterEventBuffer,
            f.MinimumBookingNotice,
            f.SlotInterval
        );
        await eventTypes.UpdateAsync(eventType, cancellationToken);
        return mapper.Map<EventTypeDto>(eventType);
    }
}

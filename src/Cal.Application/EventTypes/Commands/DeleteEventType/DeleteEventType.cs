using AutoMapper;
using Cal.Application.Common.Interfaces;
using Cal.Application.EventTypes.Common;
using Mediator;

namespace Cal.Application.EventTypes.Commands.DeleteEventType;

/// <summary>cal.com's <c>DELETE /v2/event-types/{id}</c>.</summary>
public sealed record DeleteEventTypeCommand(int UserId, int EventTypeId) : ICommand<EventTypeDto>;

public sealed class DeleteEventTypeCommandHandler(IEventTypeRepository eventTypes, IMapper mapper)
    : ICommandHandler<DeleteEventTypeCommand, EventTypeDto>
{
    public async ValueTask<EventTypeDto> Handle(DeleteEventTypeCommand command, CancellationToken cancellationToken)
    {
        var eventType = await eventTypes.FindOwnedAsync(command.UserId, command.EventTypeId, cancellationToken);
        await eventTypes.DeleteAsync(eventType.Id, cancellationToken);
        return mapper.Map<EventTypeDto>(eventType);
    }
}

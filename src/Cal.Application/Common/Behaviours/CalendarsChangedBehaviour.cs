using Cal.Application.Calendars.Common;
using Mediator;

namespace Cal.Application.Common.Behaviours;

/// <summary>
/// Raises <see cref="CalendarsChanged"/> after every successful command marked <see cref="IChangesUserCalendars"/>: the one
/// place the read model's invalidation is decided, so a new write cannot forget it. A failed command raises nothing
/// (it changed nothing).
/// </summary>
public sealed class CalendarsChangedBehaviour<TMessage, TResponse>(IPublisher publisher) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var response = await next(message, cancellationToken);
        if (message is IChangesUserCalendars change)
        {
            await publisher.Publish(new CalendarsChanged(change.UserId), CancellationToken.None); // the write is done: always tell
        }

        return response;
    }
}

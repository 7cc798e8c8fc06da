using Cal.Application.Calendars.Common;
using Mediator;

namespace Cal.Application.Common.Behaviours;

/// <summary>
/// Raises <see cref="CalendarsChanged"/> after every successful command marked <see cref="IChangesUserCalendars"/>: the one
/// place the read model's invalidation is decided, so a new write cannot forget it. A failed command raises nothing
/// (it changed nothing). Constrained to those commands, so the source generator leaves it out of every other pipeline
/// (the hot reads pay nothing for it).
/// </summary>
public sealed class CalendarsChangedBehaviour<TMessage, TResponse>(IPublisher publisher) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage, IChangesUserCalendars
{
    public async ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken
    )
    {
        var response = await next(message, cancellationToken);
        await publisher.Publish(new CalendarsChanged(message.UserId), CancellationToken.None); // the write is done: always tell
        return response;
    }
}

using Cal.Application.Common.Interfaces;
using Mediator;

namespace Cal.Application.Calendars.Common;

/// <summary>
/// The domain event of every write that changes what a user's calendars read as (a feed saved, an account added,
/// a credential disconnected, a calendar selected or deselected): raised once the write succeeded, by
/// <see cref="Cal.Application.Common.Behaviours.CalendarsChangedBehaviour{TMessage, TResponse}"/> for each command marked
/// <see cref="IChangesUserCalendars"/>.
/// </summary>
public sealed record CalendarsChanged(int UserId) : INotification;

/// <summary>A command that, when it succeeds, has changed its user's calendars.</summary>
public interface IChangesUserCalendars
{
    int UserId { get; }
}

/// <summary>Drops the user's calendar read model, on this instance and (through the cache) on every other.</summary>
public sealed class InvalidateUserCalendars(IUserCalendarsCache cache) : INotificationHandler<CalendarsChanged>
{
    public ValueTask Handle(CalendarsChanged notification, CancellationToken cancellationToken) =>
        cache.InvalidateAsync(notification.UserId);
}

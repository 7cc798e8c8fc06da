using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.EventTypes;

namespace Cal.Application.EventTypes.Common;

/// <summary>The owner checks the event-type use cases share.</summary>
public static class EventTypeAccess
{
    /// <summary>The caller's event type; another user's and an unknown one are the same <c>404</c>.</summary>
    public static async Task<EventType> FindOwnedAsync(
        this IEventTypeRepository eventTypes,
        int userId,
        int id,
        CancellationToken cancellationToken
    ) =>
        await eventTypes.FindAsync(id, cancellationToken) is { } e && e.UserId == userId
            ? e
            : throw new NotFoundException($"Event type with id={id} not found.");

    /// <summary>A schedule named by an event type must be the caller's; another user's and an unknown one are the same
    /// <c>404</c>.</summary>
    public static async Task EnsureOwnedAsync(
        this IScheduleRepository schedules,
        int userId,
        int? scheduleId,
        CancellationToken cancellationToken
    )
    {
        if (scheduleId is { } id && (await schedules.FindAsync(id, cancellationToken))?.UserId != userId)
        {
            throw new NotFoundException($"Schedule with id={id} not found.");
        }
    }
}

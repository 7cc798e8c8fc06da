using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Schedules;

namespace Cal.Application.Schedules.Common;

/// <summary>The owner check every schedule use case shares.</summary>
public static class ScheduleAccess
{
    /// <summary>The caller's schedule: unknown is <c>404</c>, another user's <c>403</c> (as cal.com answers).</summary>
    public static async Task<Schedule> FindOwnedAsync(
        this IScheduleRepository schedules,
        int userId,
        int scheduleId,
        CancellationToken cancellationToken
    )
    {
        var schedule =
            await schedules.FindAsync(scheduleId, cancellationToken)
            ?? throw new NotFoundException($"Schedule with id={scheduleId} not found.");
        return schedule.UserId == userId ? schedule : throw new ForbiddenException($"Schedule with id={scheduleId} is not yours.");
    }
}

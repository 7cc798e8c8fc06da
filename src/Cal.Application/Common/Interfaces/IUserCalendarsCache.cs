namespace Cal.Application.Common.Interfaces;

/// <summary>
/// Per-user read models of connected calendars (what <c>GET /v2/calendars</c> answers; the credentials and selections
/// busy times and slots read), held in memory per instance, built on first use and dropped by every write that changes
/// them (<see cref="Calendars.Common.CalendarsChanged"/>), here at once and, in a fleet, on every instance through Redis
/// pub/sub. Entries also expire on their own (<c>ReadModel:TimeToLive</c>), which bounds staleness if a message is lost.
/// </summary>
public interface IUserCalendarsCache
{
    // A view that must be rebuilt sooner than ReadModel:TimeToLive says so by implementing IShortLivedView.

    /// <summary>
    /// The user's cached <typeparamref name="T"/>, or <paramref name="build"/>'s, cached unless a write invalidated the
    /// user's calendars while it was being built (then it is answered but not kept).
    /// </summary>
    ValueTask<T> GetOrBuildAsync<T>(int userId, Func<CancellationToken, Task<T>> build, CancellationToken cancellationToken)
        where T : class;

    /// <summary>Drops every cached view of the user's calendars, here and on the other instances.</summary>
    ValueTask InvalidateAsync(int userId);
}

/// <summary>
/// A read-model view that is kept for at most <see cref="KeepFor"/> (when shorter than <c>ReadModel:TimeToLive</c>): a
/// list holding CalDAV calendars, whose server's calendars are revalidated every <c>CalDav:TimeToLive</c>.
/// </summary>
public interface IShortLivedView
{
    TimeSpan? KeepFor { get; }
}

using System.Collections.Concurrent;

namespace Cal.Application.Common;

/// <summary>
/// Concurrent callers with the same key share one run of their work: the first starts it, the others wait for its
/// result (each within its own cancellation). The key should say everything the answer depends on (a generation, a
/// version), so a caller arriving after a change never joins a run that started before it. A run's failure is every
/// waiter's failure. Two ways to share, by what the work holds:
/// <list type="bullet">
/// <item><see cref="RunAsync"/>: the work is the first caller's (its scope, its cancellation): that caller waits for its
/// end, and a waiting one whose leader went away runs its own work instead.</item>
/// <item><see cref="ShareAsync"/>: the work belongs to no caller (nothing of a request's scope, not cancelled by any):
/// every caller, the first too, waits within its own cancellation and may leave it running.</item>
/// </list>
/// </summary>
public sealed class CoalescedBuilds<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Lazy<Task<TValue>>> flights = new();

    /// <summary>Runs <paramref name="work"/> (the caller's own), or joins the run already in flight for <paramref name="key"/>.</summary>
    public async Task<TValue> RunAsync(TKey key, Func<Task<TValue>> work, CancellationToken cancellationToken)
    {
        var (flight, leads) = Join(key, work);
        if (leads)
        {
            return await flight;
        }

        try
        {
            return await flight.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return await work(); // the leader's cancellation, not ours
        }
    }

    /// <summary>Starts <paramref name="work"/> (no caller's), or joins the run already in flight for <paramref name="key"/>.</summary>
    public Task<TValue> ShareAsync(TKey key, Func<Task<TValue>> work, CancellationToken cancellationToken) =>
        Join(key, work).Flight.WaitAsync(cancellationToken);

    /// <summary>The run in flight for <paramref name="key"/>, started here if there was none; it is forgotten when it ends.</summary>
    private (Task<TValue> Flight, bool Leads) Join(TKey key, Func<Task<TValue>> work)
    {
        var ours = new Lazy<Task<TValue>>(work);
        var current = flights.GetOrAdd(key, ours);
        if (!ReferenceEquals(current, ours))
        {
            return (current.Value, false);
        }

        _ = current.Value.ContinueWith(
            _ => flights.TryRemove(new KeyValuePair<TKey, Lazy<Task<TValue>>>(key, current)),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default
        );
        return (current.Value, true);
    }
}

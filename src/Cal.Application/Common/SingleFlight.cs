using System.Collections.Concurrent;

namespace Cal.Application.Common;

/// <summary>
/// Concurrent callers with the same key share one run of their work: the first runs it, the others wait for its
/// result (each within its own cancellation). The key should say everything the answer depends on (a generation, a
/// version), so a caller arriving after a change never joins a run that started before it. When the leading caller
/// goes away (its cancellation), a waiting one runs its own work instead. A run's failure is every waiter's failure.
/// </summary>
public sealed class SingleFlight<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Lazy<Task<TValue>>> flights = new();

    /// <summary>Runs <paramref name="work"/>, or joins the run already in flight for <paramref name="key"/>.</summary>
    public async Task<TValue> RunAsync(TKey key, Func<Task<TValue>> work, CancellationToken cancellationToken)
    {
        var ours = new Lazy<Task<TValue>>(work);
        var flight = flights.GetOrAdd(key, ours);
        if (ReferenceEquals(flight, ours))
        {
            try
            {
                return await flight.Value;
            }
            finally
            {
                flights.TryRemove(new KeyValuePair<TKey, Lazy<Task<TValue>>>(key, flight));
            }
        }

        try
        {
            return await flight.Value.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return await work(); // the leader's cancellation, not ours
        }
    }
}

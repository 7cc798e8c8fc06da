using System.Diagnostics;

namespace Cal.Infrastructure.Ical.Recurrence;

/// <summary>
/// The work one busy-times request may do: a number of occurrences and a deadline (a <see cref="Stopwatch"/>
/// timestamp fixed when the request's work began), checked every few hundred steps of any loop, together with
/// the request's cancellation. Once spent it stays spent, and every loop that shares it stops.
/// </summary>
internal sealed class ExpansionBudget(long maxOccurrences, long deadlineTimestamp, CancellationToken cancellationToken)
{
    private const int CheckEvery = 256;

    private long occurrencesLeft = maxOccurrences;
    private int steps;

    /// <summary>True once the occurrences or the time ran out: the answer built so far is incomplete.</summary>
    public bool Exhausted { get; private set; }

    public static ExpansionBudget Unlimited(CancellationToken cancellationToken = default) =>
        new(long.MaxValue, long.MaxValue, cancellationToken);

    public static ExpansionBudget For(long maxOccurrences, TimeSpan time, CancellationToken cancellationToken = default) =>
        new(
            maxOccurrences,
            time >= TimeSpan.FromDays(1) ? long.MaxValue : Stopwatch.GetTimestamp() + (long)(time.TotalSeconds * Stopwatch.Frequency),
            cancellationToken
        );

    /// <summary>One unit of loop work; false when the budget is spent (stop now). Throws when the request was cancelled.</summary>
    public bool Step()
    {
        if (Exhausted)
        {
            return false;
        }

        if (++steps >= CheckEvery)
        {
            steps = 0;
            cancellationToken.ThrowIfCancellationRequested();
            if (Stopwatch.GetTimestamp() > deadlineTimestamp)
            {
                Exhausted = true;
                return false;
            }
        }

        return true;
    }

    /// <summary>One occurrence produced; false when there is no room for it.</summary>
    public bool TakeOccurrence()
    {
        if (Exhausted)
        {
            return false;
        }

        if (--occurrencesLeft < 0)
        {
            Exhausted = true;
            return false;
        }

        return true;
    }
}

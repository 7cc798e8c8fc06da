using System.ComponentModel.DataAnnotations;
using Cal.Domain.Outbox;

namespace Cal.Application.Outbox;

/// <summary>Wakes the outbox worker at once (a change committed side effects): no polling delay on the common path.</summary>
public interface IOutboxSignal
{
    void Notify();
}

/// <summary>What performing one outbox item came to.</summary>
public enum OutboxOutcome
{
    Done,

    /// <summary>Try again later (the other side is down, slow, or answered 5xx).</summary>
    Retry,

    /// <summary>It can never work as it is (refused credentials, a calendar gone): marked failed, logged, counted.</summary>
    Failed,
}

/// <summary>The result of one attempt, and what to record of it (a status, a short reason; never a secret).</summary>
public sealed record OutboxAttempt(OutboxOutcome Outcome, string Result, int? Status = null)
{
    public static OutboxAttempt Done(string result = "ok", int? status = null) => new(OutboxOutcome.Done, result, status);
}

/// <summary>Performs the items of one <see cref="OutboxKind"/>; registered once per kind.</summary>
public interface IOutboxItemHandler
{
    OutboxKind Kind { get; }

    /// <summary>How long to wait after each failed attempt (the last one past: failed).</summary>
    IReadOnlyList<TimeSpan> RetryDelays { get; }

    Task<OutboxAttempt> PerformAsync(OutboxItem item, CancellationToken cancellationToken);
}

/// <summary>Section <c>Outbox</c>: how side effects are performed.</summary>
public sealed class OutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>The default delays between attempts of a calendar write (10 s, 1 min, 5 min, 30 min, 2 h, 6 h, 12 h; then
    /// failed).</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultRetryDelays =
    [
        TimeSpan.FromSeconds(10),
        TimeSpan.FromMinutes(1),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2),
        TimeSpan.FromHours(6),
        TimeSpan.FromHours(12),
    ];

    /// <summary><c>Outbox:RetryDelays:0</c>, <c>:1</c>, ...; empty: <see cref="DefaultRetryDelays"/>.</summary>
    public List<TimeSpan> RetryDelays { get; set; } = [];

    /// <summary>How long a claimed item is a worker's alone; a worker that died frees it when this runs out.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a worker looks for due items when nothing woke it (retries, other instances' items).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Items performed at once by one worker.</summary>
    [Range(1, 1000)]
    public int Concurrency { get; set; } = 16;

    /// <summary>
    /// How long a done or failed item is kept (it is what <c>GET /v2/webhooks/{id}/deliveries</c> lists and what a
    /// redelivery resends); older ones are deleted by the housekeeping, a batch at a time.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    public IReadOnlyList<TimeSpan> EffectiveRetryDelays => RetryDelays.Count > 0 ? RetryDelays : DefaultRetryDelays;
}

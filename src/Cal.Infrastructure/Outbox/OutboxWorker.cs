using Cal.Application.Common.Telemetry;
using Cal.Application.Outbox;
using Cal.Domain.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cal.Infrastructure.Outbox;

/// <summary>Wakes the worker as soon as a change has committed side effects.</summary>
internal sealed class OutboxSignal : IOutboxSignal, IDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Notify()
    {
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // already woken
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => signal.Dispose();
}

/// <summary>
/// Performs the outbox: claims due items with a lease (<see cref="OutboxOptions.LeaseDuration"/>), performs each with
/// the handler of its kind in a scope of its own, and records the attempt: done; due again after the next of the
/// handler's delays; or, past the last delay or refused for good, failed (logged, counted). Woken at once by every commit
/// with side effects, otherwise it looks every <see cref="OutboxOptions.PollInterval"/> (retries come due, other instances
/// commit). A worker that stops lets go of its leases; one that dies loses them when they run out, and its items are
/// performed again: at least once.
/// </summary>
internal sealed partial class OutboxWorker(
    IServiceScopeFactory scopes,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxWorker> logger) : BackgroundService
{
    private readonly string owner = Environment.MachineName + ":" + Environment.ProcessId + ":" + Guid.NewGuid().ToString("N")[..8];

    private DateTimeOffset lagMeasuredAt;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // the host's start does not wait for the first pass
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await PassAsync(stoppingToken) == 0)
                {
                    await signal.WaitAsync(await SleepAsync(stoppingToken), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The database is away, or a pass failed: the items stay, and are tried again after a pause.
                LogPassFailed(logger, ex.GetType().Name);
                try
                {
                    await Task.Delay(options.Value.PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<OutboxStore>().ReleaseAsync(owner, cancellationToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogReleaseFailed(logger, ex.GetType().Name); // the leases run out on their own
        }
    }

    /// <summary>One claim and the items it got, performed concurrently; how many.</summary>
    private async Task<int> PassAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        IReadOnlyList<OutboxItem> claimed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            claimed = await scope.ServiceProvider.GetRequiredService<OutboxStore>().ClaimAsync(owner, time.GetUtcNow(), settings.LeaseDuration, settings.Concurrency, stoppingToken);
        }

        await Task.WhenAll(claimed.Select(item => PerformAsync(item, stoppingToken)));
        await MeasureLagAsync(stoppingToken);
        return claimed.Count;
    }

    private async Task PerformAsync(OutboxItem item, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetServices<IOutboxItemHandler>().First(h => h.Kind == item.Kind);
        OutboxAttempt attempt;
        try
        {
            attempt = await handler.PerformAsync(item, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return; // stopping: the lease is let go of, the item performed again later
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogItemError(logger, item.Kind, item.Id, ex.GetType().Name);
            attempt = new OutboxAttempt(OutboxOutcome.Retry, "error: " + ex.GetType().Name);
        }

        var now = time.GetUtcNow();
        var delays = handler.RetryDelays;
        var (done, retryAt) = attempt.Outcome switch
        {
            OutboxOutcome.Done => (true, (DateTimeOffset?)null),
            OutboxOutcome.Retry when item.Attempts < delays.Count => (false, now + delays[item.Attempts]),
            _ => (false, null),
        };
        var outcome = done ? "done" : retryAt is null ? "failed" : "retry";
        CalMetrics.OutboxAttempts.Add(1, new KeyValuePair<string, object?>("kind", item.Kind.ToString()), new KeyValuePair<string, object?>("outcome", outcome));
        if (item.Kind == OutboxKind.WebhookDelivery && (done || retryAt is null))
        {
            CalMetrics.WebhookDeliveries.Count("outcome", done ? "delivered" : "failed");
        }

        if (!done && retryAt is null)
        {
            LogGaveUp(logger, item.Kind, item.Id, item.Attempts + 1, attempt.Result);
        }

        await scope.ServiceProvider.GetRequiredService<OutboxStore>().RecordAsync(item.Id, owner, done, retryAt, attempt.Result, attempt.Status, now, CancellationToken.None);
    }

    /// <summary>The outbox's lag (the oldest pending item's age) for <see cref="CalMetrics.OutboxLag"/>, at most once a second.</summary>
    private async Task MeasureLagAsync(CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow();
        if (now - lagMeasuredAt < TimeSpan.FromSeconds(1))
        {
            return;
        }

        lagMeasuredAt = now;
        await using var scope = scopes.CreateAsyncScope();
        CalMetrics.SetOutboxLag(await scope.ServiceProvider.GetRequiredService<OutboxStore>().LagAsync(now, stoppingToken));
    }

    /// <summary>Until the next item falls due, at most one poll interval.</summary>
    private async Task<TimeSpan> SleepAsync(CancellationToken stoppingToken)
    {
        var poll = options.Value.PollInterval;
        await MeasureLagAsync(stoppingToken);
        await using var scope = scopes.CreateAsyncScope();
        var next = await scope.ServiceProvider.GetRequiredService<OutboxStore>().NextDueAsync(stoppingToken);
        if (next is not { } due)
        {
            return poll;
        }

        var until = due - time.GetUtcNow();
        return until <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(50) : until < poll ? until : poll;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox pass failed ({Error}); trying again shortly")]
    private static partial void LogPassFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox {Kind} item {Id} threw {Error}; it is tried again")]
    private static partial void LogItemError(ILogger logger, OutboxKind kind, int id, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox {Kind} item {Id} failed after {Attempts} attempt(s): {Result}")]
    private static partial void LogGaveUp(ILogger logger, OutboxKind kind, int id, int attempts, string result);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox leases not let go of at stop ({Error}); they run out by themselves")]
    private static partial void LogReleaseFailed(ILogger logger, string error);
}

using System.Collections.Concurrent;
using System.Threading.Channels;
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
/// Performs the outbox: claims due items with a lease (<see cref="OutboxOptions.LeaseDuration"/>), as many as it has free
/// places for (<see cref="OutboxOptions.Concurrency"/>, one conditional update for them all), performs each with the
/// handler of its kind in a scope of its own, and records the attempt: done; due again after the next of the handler's
/// delays; or, past the last delay or refused for good, failed (logged, counted). A place freed by a finished item is
/// filled at once (a slow receiver holds one place, not the whole batch); attempts finished together are recorded in one
/// transaction. Woken at once by every commit with side effects and every recorded attempt (the next item of its order
/// may be due), otherwise it looks every <see cref="OutboxOptions.PollInterval"/> (retries come due, other instances
/// commit). A worker that stops lets go of its leases; one that dies loses them when they run out, and its items are
/// performed again: at least once.
/// </summary>
internal sealed partial class OutboxWorker(
    IServiceScopeFactory scopes,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxWorker> logger
) : BackgroundService
{
    private readonly string owner = Environment.MachineName + ":" + Environment.ProcessId + ":" + Guid.NewGuid().ToString("N")[..8];

    private readonly Channel<OutboxStore.Attempt> attempts = Channel.CreateUnbounded<OutboxStore.Attempt>(
        new UnboundedChannelOptions { SingleReader = true }
    );

    private readonly ConcurrentDictionary<int, Task> inFlight = new();

    private DateTimeOffset lagMeasuredAt;

    private Dictionary<OutboxKind, Type>? handlerTypes;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // the host's start does not wait for the first pass
        var recorder = RecordLoopAsync();
        var places = new SemaphoreSlim(options.Value.Concurrency, options.Value.Concurrency);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await PassAsync(places, stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // The database is away, or a claim failed: the items stay, and are tried again after a pause.
                    LogPassFailed(logger, ex.GetType().Name);
                    if (!await PauseAsync(stoppingToken))
                    {
                        break;
                    }
                }
            }
        }
        finally
        {
            await Task.WhenAll(inFlight.Values); // cancelled attempts end at once; finished ones are recorded
            attempts.Writer.TryComplete();
            await recorder;
        }
    }

    /// <summary>One pass: waits for a free place, claims as many items as places are free, starts them, then sleeps if none.</summary>
    private async Task PassAsync(SemaphoreSlim places, CancellationToken stoppingToken)
    {
        await places.WaitAsync(stoppingToken);
        var free = 1;
        while (places.Wait(0, CancellationToken.None))
        {
            free++;
        }

        var claimed = await ClaimAsync(free, stoppingToken);
        if (free > claimed.Count)
        {
            places.Release(free - claimed.Count);
        }

        foreach (var item in claimed)
        {
            var performing = PerformAsync(item, places, stoppingToken);
            inFlight[item.Id] = performing;
            if (performing.IsCompleted)
            {
                inFlight.TryRemove(item.Id, out _);
            }
        }

        await MeasureLagAsync(stoppingToken);
        if (claimed.Count == 0)
        {
            await signal.WaitAsync(await SleepAsync(stoppingToken), stoppingToken);
        }
    }

    /// <summary>The pause after a failed pass; false when the host stops meanwhile.</summary>
    private async Task<bool> PauseAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(options.Value.PollInterval, time, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
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

    private async Task<IReadOnlyList<OutboxItem>> ClaimAsync(int max, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope
            .ServiceProvider.GetRequiredService<OutboxStore>()
            .ClaimAsync(owner, time.GetUtcNow(), options.Value.LeaseDuration, max, stoppingToken);
    }

    private async Task PerformAsync(OutboxItem item, SemaphoreSlim places, CancellationToken stoppingToken)
    {
        await Task.Yield(); // the claim loop goes on while this runs
        try
        {
            var attempt = await AttemptAsync(item, stoppingToken);
            if (attempt is not null)
            {
                attempts.Writer.TryWrite(attempt);
            }
        }
        finally
        {
            inFlight.TryRemove(item.Id, out _);
            places.Release();
        }
    }

    /// <summary>
    /// The handler of a kind: the last one registered for it (a host may replace one), resolved by its own type when it is
    /// registered as itself (then only it is built), else picked from them all.
    /// </summary>
    private IOutboxItemHandler HandlerFor(IServiceProvider services, OutboxKind kind)
    {
        if (handlerTypes is null)
        {
            var types = new Dictionary<OutboxKind, Type>();
            foreach (var h in services.GetServices<IOutboxItemHandler>())
            {
                types[h.Kind] = h.GetType();
            }

            handlerTypes = types;
        }

        if (handlerTypes.TryGetValue(kind, out var type) && services.GetService(type) is IOutboxItemHandler own)
        {
            return own;
        }

        return services.GetServices<IOutboxItemHandler>().LastOrDefault(h => h.Kind == kind)
            ?? throw new InvalidOperationException($"No outbox handler for {kind}.");
    }

    /// <summary>One attempt, and what to record of it (null: stopping, the lease is let go of and the item performed again
    /// later).</summary>
    private async Task<OutboxStore.Attempt?> AttemptAsync(OutboxItem item, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        OutboxAttempt attempt;
        IOutboxItemHandler? handler = null;
        try
        {
            handler = HandlerFor(scope.ServiceProvider, item.Kind);
            attempt = await handler.PerformAsync(item, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogItemError(logger, item.Kind, item.Id, ex.GetType().Name);
            attempt = new OutboxAttempt(OutboxOutcome.Retry, "error: " + ex.GetType().Name);
        }

        var now = time.GetUtcNow();
        var delays = handler?.RetryDelays ?? OutboxOptions.DefaultRetryDelays;
        var (done, retryAt) = attempt.Outcome switch
        {
            OutboxOutcome.Done => (true, (DateTimeOffset?)null),
            OutboxOutcome.Retry when item.Attempts < delays.Count => (false, now + delays[item.Attempts]),
            _ => (false, null),
        };
        var outcome =
            done ? "done"
            : retryAt is null ? "failed"
            : "retry";
        CalMetrics.OutboxAttempts.Add(
            1,
            new KeyValuePair<string, object?>("kind", item.Kind.ToString()),
            new KeyValuePair<string, object?>("outcome", outcome)
        );
        if (item.Kind == OutboxKind.WebhookDelivery && (done || retryAt is null))
        {
            CalMetrics.WebhookDeliveries.Count("outcome", done ? "delivered" : "failed");
        }

        if (!done && retryAt is null)
        {
            LogGaveUp(logger, item.Kind, item.Id, item.Attempts + 1, attempt.Result);
        }

        return new OutboxStore.Attempt(item.Id, done, retryAt, attempt.Result, attempt.Status, now);
    }

    /// <summary>Writes finished attempts as they come, those that came together in one transaction; then wakes the claim loop.</summary>
    private async Task RecordLoopAsync()
    {
        var batch = new List<OutboxStore.Attempt>();
        while (await attempts.Reader.WaitToReadAsync())
        {
            while (batch.Count < 256 && attempts.Reader.TryRead(out var attempt))
            {
                batch.Add(attempt);
            }

            for (var tries = 0; ; tries++)
            {
                try
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<OutboxStore>().RecordAllAsync(owner, batch, CancellationToken.None);
                    break;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException && tries < 5)
                {
                    LogRecordFailed(logger, batch.Count, ex.GetType().Name);
                    await Task.Delay(TimeSpan.FromMilliseconds(200 << tries), time);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // The database stayed away: the leases run out and the items are performed again (at least once).
                    LogRecordFailed(logger, batch.Count, ex.GetType().Name);
                    break;
                }
            }

            batch.Clear();
            signal.Notify();
        }
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
        await using var scope = scopes.CreateAsyncScope();
        var next = await scope.ServiceProvider.GetRequiredService<OutboxStore>().NextDueAsync(stoppingToken);
        if (next is not { } due)
        {
            return poll;
        }

        var until = due - time.GetUtcNow();
        return until <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(50)
            : until < poll ? until
            : poll;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox pass failed ({Error}); trying again shortly")]
    private static partial void LogPassFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox {Kind} item {Id} threw {Error}; it is tried again")]
    private static partial void LogItemError(ILogger logger, OutboxKind kind, int id, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox {Kind} item {Id} failed after {Attempts} attempt(s): {Result}")]
    private static partial void LogGaveUp(ILogger logger, OutboxKind kind, int id, int attempts, string result);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording {Count} outbox attempt(s) failed ({Error})")]
    private static partial void LogRecordFailed(ILogger logger, int count, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox leases not let go of at stop ({Error}); they run out by themselves")]
    private static partial void LogReleaseFailed(ILogger logger, string error);
}

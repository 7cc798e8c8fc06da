using Cal.Application.Outbox;
using Cal.Infrastructure.Persistence.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cal.Infrastructure.Outbox;

/// <summary>
/// Once a minute: reservations past their time, idempotency keys past their 24 hours, and outbox items finished longer
/// ago than <c>Outbox:Retention</c> (a batch a pass, so a backlog never holds the one SQLite writer long) are deleted.
/// </summary>
internal sealed partial class BookingsHousekeeping(
    IServiceScopeFactory scopes,
    IOptions<OutboxOptions> outbox,
    TimeProvider time,
    ILogger<BookingsHousekeeping> logger
) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(1);
    internal const int FinishedBatch = 5_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var store = scope.ServiceProvider.GetRequiredService<BookingStore>();
                var now = time.GetUtcNow();
                var reservations = await store.DeleteExpiredAsync(now, stoppingToken);
                var keys = await store.DeleteExpiredKeysAsync(now, stoppingToken);
                var finished = await scope
                    .ServiceProvider.GetRequiredService<OutboxStore>()
                    .DeleteFinishedAsync(now - outbox.Value.Retention, FinishedBatch, stoppingToken);
                if (reservations + keys + finished > 0)
                {
                    LogCleaned(logger, reservations, keys, finished);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogFailed(logger, ex.GetType().Name);
            }
        } while (
            await timer.WaitForNextTickAsync(stoppingToken).AsTask().ContinueWith(t => !t.IsCanceled && t.Result, TaskScheduler.Default)
        );
    }

    [LoggerMessage(
        Level = LogLevel.Debug,
        Message = "Deleted {Reservations} expired reservation(s), {Keys} expired idempotency key(s) and {Finished} finished outbox item(s)"
    )]
    private static partial void LogCleaned(ILogger logger, int reservations, int keys, int finished);

    [LoggerMessage(Level = LogLevel.Information, Message = "Housekeeping of reservations failed this time ({Error})")]
    private static partial void LogFailed(ILogger logger, string error);
}

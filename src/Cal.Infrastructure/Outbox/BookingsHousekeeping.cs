using Cal.Infrastructure.Persistence.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cal.Infrastructure.Outbox;

/// <summary>Once a minute: reservations past their time and idempotency keys past their 24 hours are deleted.</summary>
internal sealed partial class BookingsHousekeeping(IServiceScopeFactory scopes, TimeProvider time, ILogger<BookingsHousekeeping> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(1);

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
                if (reservations + keys > 0)
                {
                    LogCleaned(logger, reservations, keys);
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
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).AsTask().ContinueWith(t => !t.IsCanceled && t.Result, TaskScheduler.Default));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deleted {Reservations} expired reservation(s) and {Keys} expired idempotency key(s)")]
    private static partial void LogCleaned(ILogger logger, int reservations, int keys);

    [LoggerMessage(Level = LogLevel.Information, Message = "Housekeeping of reservations failed this time ({Error})")]
    private static partial void LogFailed(ILogger logger, string error);
}

using System.Threading.Channels;
using Cal.Application.Common.Interfaces;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cal.Infrastructure.Calendars.CalDav;

/// <summary>
/// The background loads <see cref="ICalDavWarmUp"/> asks for: one calendar at a time, through the kept index (so a
/// request that comes meanwhile shares the same load, and the load obeys the same outbound policy, limits and caps).
/// The queue is bounded; past it a request is dropped (the first read then loads the calendar itself).
/// </summary>
internal sealed partial class CalDavWarmUp(ICalDavCalendars calendars, ILogger<CalDavWarmUp> logger) : BackgroundService, ICalDavWarmUp
{
    private readonly Channel<IReadOnlyList<CalDavCalendarRef>> queue = Channel.CreateBounded<IReadOnlyList<CalDavCalendarRef>>(
        new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true }
    );

    public void Enqueue(IReadOnlyList<CalDavCalendarRef> calendars)
    {
        if (calendars.Count > 0 && !queue.Writer.TryWrite(calendars))
        {
            LogDropped(logger, calendars[0].CredentialId);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var batch in queue.Reader.ReadAllAsync(stoppingToken))
            {
                foreach (var calendar in batch)
                {
                    try
                    {
                        var loaded = await calendars.GetIndexAsync(calendar, stoppingToken);
                        if (loaded.Failure is { } failure)
                        {
                            LogNotLoaded(logger, calendar.CredentialId, failure.Reason.ToString());
                        }
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException && ex is not OutOfMemoryException)
                    {
                        LogNotLoaded(logger, calendar.CredentialId, ex.GetType().Name);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "CalDAV warm-up of credential {CredentialId} dropped: the queue is full")]
    private static partial void LogDropped(ILogger logger, int credentialId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "CalDAV warm-up of a calendar of credential {CredentialId} did not load it: {Reason}")]
    private static partial void LogNotLoaded(ILogger logger, int credentialId, string reason);
}

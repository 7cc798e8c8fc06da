using System.Diagnostics;
using Mediator;
using Microsoft.Extensions.Logging;

namespace Cal.Application.Common.Behaviours;

/// <summary>
/// Logs each command's name and duration. Deliberately not the message itself: commands carry
/// secrets (feed URLs, tokens) that must never reach the logs. Commands only: a query is one HTTP request, whose
/// duration the request log already has, and queries are the hot reads, which pay for every step of their pipeline.
/// </summary>
public sealed class LoggingBehaviour<TMessage, TResponse>(ILogger<LoggingBehaviour<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IBaseCommand
{
    /// <summary>With Debug off (production's default) it steps aside: no timing, no extra state machine per use case.</summary>
    public ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken
    ) => logger.IsEnabled(LogLevel.Debug) ? TimedAsync(message, next, cancellationToken) : next(message, cancellationToken);

    private async ValueTask<TResponse> TimedAsync(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken
    )
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await next(message, cancellationToken);
        }
        finally
        {
            logger.LogDebug(
                "Handled {UseCase} in {ElapsedMs:0.0} ms",
                typeof(TMessage).Name,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds
            );
        }
    }
}

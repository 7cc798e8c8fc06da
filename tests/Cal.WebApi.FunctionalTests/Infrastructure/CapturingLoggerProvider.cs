using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Cal.WebApi.FunctionalTests.Infrastructure;

/// <summary>Keeps every rendered log line (with exception text) so tests can search them for secrets.</summary>
public sealed class CapturingLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, sink);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(' ', pairs.Select(p => $"{p.Key}={Render(p.Value)}"))
                : "";
            sink.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {properties} {exception}");
        }

        private static string Render(object? value) => value switch
        {
            null => "null",
            string s => s,
            System.Collections.IEnumerable e => string.Join(',', e.Cast<object?>()),
            _ => value.ToString() ?? "",
        };
    }
}

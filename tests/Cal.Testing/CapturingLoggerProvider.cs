using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Cal.Testing;

/// <summary>
/// Keeps every rendered log line (level, category, message, each structured value, exception text) so tests can check
/// what is logged, and search it for secrets. Give it a <paramref name="sink"/> to share one with other providers.
/// </summary>
public sealed class CapturingLoggerProvider(ConcurrentQueue<string>? sink = null) : ILoggerProvider
{
    private readonly ConcurrentQueue<string> entries = sink ?? new ConcurrentQueue<string>();

    public IReadOnlyCollection<string> Entries => entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, entries);

    public void Dispose() { }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(
            LogLevel logLevel,
            EventId eventId,
            TState state,
            Exception? exception,
            Func<TState, Exception?, string> formatter
        )
        {
            var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(' ', pairs.Select(p => $"{p.Key}={LogValues.Render(p.Value)}"))
                : "";
            entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{properties}] {exception}");
        }
    }
}

/// <summary>Keeps every entry of one logger: the formatted text and each structured value (for handler unit tests).</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    public List<LogEntry> Entries { get; } = [];

    /// <summary>The formatted messages.</summary>
    public IReadOnlyList<string> Messages => Entries.Select(e => e.Message).ToList();

    /// <summary>Everything that was logged, message and values, as one text.</summary>
    public string AllText => string.Join("\n", Entries.Select(e => e.Message + " | " + string.Join(" | ", e.Values)));

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(
        LogLevel logLevel,
        EventId eventId,
        TState state,
        Exception? exception,
        Func<TState, Exception?, string> formatter
    )
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.Select(p => LogValues.Render(p.Value)).ToList() : [];
        Entries.Add(new LogEntry(logLevel, formatter(state, exception), values));
    }
}

public sealed record LogEntry(LogLevel Level, string Message, IReadOnlyList<string> Values);

internal static class LogValues
{
    public static string Render(object? value) =>
        value switch
        {
            null => "",
            string s => s,
            System.Collections.IEnumerable items => string.Join(",", items.Cast<object?>().Select(Render)),
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
}

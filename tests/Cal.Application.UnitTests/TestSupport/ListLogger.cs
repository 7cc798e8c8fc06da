using System.Collections;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Cal.Application.UnitTests.TestSupport;

/// <summary>Keeps every log entry: the formatted text and each structured value, so tests can check what reaches the logs.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public List<LogEntry> Entries { get; } = [];

    /// <summary>Everything that was logged, message and values, as one text.</summary>
    public string AllText => string.Join("\n", Entries.Select(e => e.Message + " | " + string.Join(" | ", e.Values)));

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? pairs.Select(p => Render(p.Value)).ToList()
            : [];
        Entries.Add(new LogEntry(logLevel, formatter(state, exception), values));
    }

    private static string Render(object? value) => value switch
    {
        null => "",
        string s => s,
        IEnumerable items => string.Join(",", items.Cast<object?>().Select(Render)),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

internal sealed record LogEntry(LogLevel Level, string Message, IReadOnlyList<string> Values);

using System.Buffers;
using System.Runtime.CompilerServices;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;

namespace Cal.Infrastructure.Ical;

/// <summary>
/// Checks a feed in one streaming pass: every content line must follow RFC 5545's grammar
/// (<c>NAME *(;PARAM=value) : value</c>, folded lines joined), components must nest (every BEGIN closed by
/// its END), and the text must be at least one VCALENDAR. This is the check cal.com makes (ical.js's
/// <c>ICAL.parse</c>), made without building an object model: memory is bounded by the longest line, not the
/// feed, and a 25 MB feed is checked in a fraction of the time Ical.Net takes to load it (see benchmarks/).
/// Events are read by Cal's own index (<see cref="BusyIndex.IcsIndexBuilder"/>, fed by this same pass); Ical.Net is not used
/// by src to read feeds: it writes the booking events and is the independent reading the tests compare with.
/// Failures name the 1-based physical line and never quote the feed (not even its component names).
/// </summary>
internal sealed class IcsStreamingChecker : IIcsFeedChecker
{
    /// <summary>Longest unfolded content line accepted, in characters (RFC 5545 lines are 75 octets before folding).</summary>
    public const int MaxLineLength = 1024 * 1024;

    public const int MaxDepth = 32;

    private const int ChunkSize = 64 * 1024;

    public Task<IcsCheckResult> CheckAsync(TextReader content, CancellationToken cancellationToken) =>
        CheckAsync(content, sink: null, cancellationToken);

    /// <summary>As <see cref="CheckAsync(TextReader, CancellationToken)"/>, handing every checked line to <paramref name="sink"/> (one pass
    /// for checking and indexing).</summary>
    public static async Task<IcsCheckResult> CheckAsync(TextReader content, IContentLineSink? sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var chunk = ArrayPool<char>.Shared.Rent(ChunkSize);
        var state = new ScanState(sink);
        try
        {
            int read;
            while ((read = await content.ReadAsync(chunk.AsMemory(0, ChunkSize), cancellationToken)) > 0)
            {
                if (state.Feed(chunk.AsSpan(0, read)) is { } failure)
                {
                    return IcsCheckResult.Invalid(failure);
                }
            }

            return state.Finish() is { } last ? IcsCheckResult.Invalid(last) : IcsCheckResult.Valid(state.CalendarName);
        }
        finally
        {
            state.Dispose();
            ArrayPool<char>.Shared.Return(chunk);
        }
    }

    /// <summary>
    /// Synchronous scanning state, fed one chunk at a time (spans cannot cross an await).
    /// Hot: the per-line methods are called a million times for a 25 MB feed, mostly before tiered compilation has
    /// promoted them; their unoptimised tier-0 code allocated ~150 MB and took ~4× as long for a fresh process's first
    /// 25 MB feed (benchmarks/README.md). AggressiveOptimization compiles them optimised at once.
    /// </summary>
    private sealed class ScanState(IContentLineSink? sink) : IDisposable
    {
        private readonly Stack<(string Name, int Line)> open = new();
        private readonly char[] nameScratch = new char[256];
        private char[] physical = ArrayPool<char>.Shared.Rent(256);
        private char[] logical = ArrayPool<char>.Shared.Rent(256);
        private int physicalLength;
        private int logicalLength;
        private int logicalLine;
        private bool haveLogical;
        private bool skipLineFeed;
        private int lineNumber;
        private bool seenFirstLine;
        private int calendars;
        private int lastContentLine;

        public string? CalendarName { get; private set; }

        /// <summary>Splits the chunk into physical lines (CR, LF or CRLF); a line cut by the chunk's end is kept for the next.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see Hot
        public FeedFailure? Feed(ReadOnlySpan<char> chunk)
        {
            if (skipLineFeed && chunk.Length > 0)
            {
                skipLineFeed = false;
                if (chunk[0] == '\n')
                {
                    chunk = chunk[1..];
                }
            }

            while (true)
            {
                var end = chunk.IndexOfAny('\r', '\n');
                if (end < 0)
                {
                    return Append(ref physical, ref physicalLength, chunk) ? null : TooLong(lineNumber + 1);
                }

                FeedFailure? failure;
                if (physicalLength > 0)
                {
                    if (!Append(ref physical, ref physicalLength, chunk[..end]))
                    {
                        return TooLong(lineNumber + 1);
                    }

                    failure = OnPhysicalLine(physical.AsSpan(0, physicalLength));
                    physicalLength = 0;
                }
                else
                {
                    failure = OnPhysicalLine(chunk[..end]);
                }

                if (failure is not null)
                {
                    return failure;
                }

                if (chunk[end] == '\r')
                {
                    if (end + 1 == chunk.Length)
                    {
                        skipLineFeed = true; // a CRLF split across chunks
                    }
                    else if (chunk[end + 1] == '\n')
                    {
                        end++;
                    }
                }

                chunk = chunk[(end + 1)..];
            }
        }

        public FeedFailure? Finish()
        {
            if (physicalLength > 0 && OnPhysicalLine(physical.AsSpan(0, physicalLength)) is { } failure)
            {
                return failure;
            }

            if (haveLogical && OnLogicalLine(logical.AsSpan(0, logicalLength), logicalLine) is { } last)
            {
                return last;
            }

            if (open.Count > 0)
            {
                return Parse(lastContentLine, $"the file ends inside a component opened at line {open.Peek().Line}");
            }

            return calendars == 0 ? new FeedFailure(FeedFailureReason.NotIcalendar, "The response holds no iCalendar object.") : null;
        }

        public void Dispose()
        {
            ArrayPool<char>.Shared.Return(physical);
            ArrayPool<char>.Shared.Return(logical);
        }

        private static FeedFailure Parse(int line, string what) =>
            new(FeedFailureReason.ParseError, $"The iCalendar data could not be parsed at line {line}: {what}.", Line: line);

        private static FeedFailure TooLong(int line) => Parse(line, $"a content line is longer than {MaxLineLength} characters");

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see Hot
        private static bool Append(ref char[] buffer, ref int length, ReadOnlySpan<char> text)
        {
            if (length + text.Length > MaxLineLength)
            {
                return false;
            }

            if (length + text.Length > buffer.Length)
            {
                var larger = ArrayPool<char>.Shared.Rent(Math.Min(MaxLineLength, Math.Max(buffer.Length * 2, length + text.Length)));
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<char>.Shared.Return(buffer);
                buffer = larger;
            }

            text.CopyTo(buffer.AsSpan(length));
            length += text.Length;
            return true;
        }

        /// <summary>Unfolds: a line starting with a space or tab continues the previous one (RFC 5545 §3.1).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see Hot
        private FeedFailure? OnPhysicalLine(ReadOnlySpan<char> line)
        {
            lineNumber++;
            if (haveLogical && line.Length > 0 && (line[0] == ' ' || line[0] == '\t'))
            {
                return Append(ref logical, ref logicalLength, line[1..]) ? null : TooLong(logicalLine);
            }

            if (haveLogical && OnLogicalLine(logical.AsSpan(0, logicalLength), logicalLine) is { } failure)
            {
                return failure;
            }

            logicalLength = 0;
            haveLogical = Append(ref logical, ref logicalLength, line);
            logicalLine = lineNumber;
            return haveLogical ? null : TooLong(lineNumber);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see Hot
        private FeedFailure? OnLogicalLine(ReadOnlySpan<char> line, int number)
        {
            if (!seenFirstLine)
            {
                // Byte-order marks and blank space before the calendar are tolerated.
                line = line.TrimStart("\uFEFF \t");
                if (line.IsEmpty)
                {
                    return null;
                }

                seenFirstLine = true;
                if (!line.Equals("BEGIN:VCALENDAR", StringComparison.OrdinalIgnoreCase))
                {
                    return new FeedFailure(
                        FeedFailureReason.NotIcalendar,
                        "The response is not an iCalendar object (it does not begin with BEGIN:VCALENDAR)."
                    );
                }
            }

            if (line.IsEmpty)
            {
                return null; // Blank lines are not RFC 5545, but common and harmless.
            }

            lastContentLine = number;

            // RFC 5545 allows no control characters but HTAB; in a "calendar" they mean binary garbage.
            if (line.IndexOfAnyInRange('\0', '\b') >= 0 || line.IndexOfAnyInRange('\n', '\u001F') >= 0 || line.Contains('\u007F'))
            {
                return Parse(number, "a control character");
            }

            if (ContentLine.Split(line, nameScratch, out var name, out var parameters, out var value) is { } grammar)
            {
                return Parse(number, grammar);
            }

            return OnContentLine(name, parameters, value, number);
        }

        /// <summary>A well-formed line: BEGIN and END nest components; any other property must be inside one.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)] // into OnLogicalLine (see Hot): one call fewer per line
        private FeedFailure? OnContentLine(ReadOnlySpan<char> name, ReadOnlySpan<char> parameters, ReadOnlySpan<char> value, int number)
        {
            if (name.Equals("BEGIN", StringComparison.OrdinalIgnoreCase))
            {
                return OnBegin(value.Trim(), number);
            }

            if (name.Equals("END", StringComparison.OrdinalIgnoreCase))
            {
                return OnEnd(value.Trim(), number);
            }

            if (open.Count == 0)
            {
                return Parse(number, "a property outside any component");
            }

            if (CalendarName is null && open.Count == 1 && name.Equals("X-WR-CALNAME", StringComparison.OrdinalIgnoreCase))
            {
                var text = Unescape(value).Trim();
                CalendarName = text.Length == 0 ? null : text;
            }

            sink?.OnProperty(name, parameters, value);
            return null;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see Hot
        private FeedFailure? OnBegin(ReadOnlySpan<char> component, int number)
        {
            if (component.IsEmpty || !ContentLine.IsName(component))
            {
                return Parse(number, "BEGIN names no component");
            }

            if (open.Count == 0 && !component.Equals("VCALENDAR", StringComparison.OrdinalIgnoreCase))
            {
                return Parse(number, "a component outside VCALENDAR");
            }

            if (open.Count >= MaxDepth)
            {
                return Parse(number, $"components nested more than {MaxDepth} deep");
            }

            open.Push((ComponentName(component), number));
            sink?.OnBegin(component);
            return null;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see Hot
        private FeedFailure? OnEnd(ReadOnlySpan<char> component, int number)
        {
            if (open.Count == 0 || !component.Equals(open.Peek().Name, StringComparison.OrdinalIgnoreCase))
            {
                return Parse(number, open.Count == 0 ? "END without BEGIN" : $"END does not match the BEGIN at line {open.Peek().Line}");
            }

            var closed = open.Pop();
            sink?.OnEnd(closed.Name);
            if (open.Count == 0)
            {
                calendars++;
            }

            return null;
        }

        private static string ComponentName(ReadOnlySpan<char> name) =>
            name switch
            {
                _ when name.Equals("VEVENT", StringComparison.OrdinalIgnoreCase) => "VEVENT",
                _ when name.Equals("VCALENDAR", StringComparison.OrdinalIgnoreCase) => "VCALENDAR",
                _ when name.Equals("VTIMEZONE", StringComparison.OrdinalIgnoreCase) => "VTIMEZONE",
                _ when name.Equals("STANDARD", StringComparison.OrdinalIgnoreCase) => "STANDARD",
                _ when name.Equals("DAYLIGHT", StringComparison.OrdinalIgnoreCase) => "DAYLIGHT",
                _ when name.Equals("VALARM", StringComparison.OrdinalIgnoreCase) => "VALARM",
                _ when name.Equals("VTODO", StringComparison.OrdinalIgnoreCase) => "VTODO",
                _ => name.ToString().ToUpperInvariant(),
            };

        /// <summary>TEXT value escapes (RFC 5545 §3.3.11): \\ \; \, \n \N.</summary>
        private static string Unescape(ReadOnlySpan<char> value)
        {
            if (value.IndexOf('\\') < 0)
            {
                return value.ToString();
            }

            var text = new System.Text.StringBuilder(value.Length);
            for (var i = 0; i < value.Length; i++)
            {
                if (value[i] == '\\' && i + 1 < value.Length)
                {
                    i++;
                    text.Append(value[i] is 'n' or 'N' ? '\n' : value[i]);
                }
                else
                {
                    text.Append(value[i]);
                }
            }

            return text.ToString();
        }
    }
}

namespace Cal.Infrastructure.Ical;

/// <summary>
/// Ical.Net's errors name what went wrong but give no line number. This replays the structure the way
/// Ical.Net reads it (lines broken at CR, LF or CRLF only; folded lines joined; component names
/// case-insensitive) and returns the 1-based physical line where that error starts, or null.
/// </summary>
internal static class ParseErrorLocator
{
    private const string CouldNotParse = "Could not parse line: '";
    private const string ExpectedBegin = "Expected 'BEGIN', found '";
    private const string ExpectedEnd = "Expected 'END:";
    private const string Unclosed = "Unclosed component";

    public static int? LineOf(string content, string parserMessage)
    {
        if (parserMessage.StartsWith(Unclosed, StringComparison.Ordinal))
        {
            return LogicalLines(content).LastOrDefault(l => l.Text.Length > 0).Number is var n && n > 0 ? n : null;
        }

        if (parserMessage.StartsWith(CouldNotParse, StringComparison.Ordinal) && parserMessage.EndsWith('\''))
        {
            // The quote runs to the message's last apostrophe; the line itself may contain apostrophes.
            var quoted = parserMessage[CouldNotParse.Length..^1];
            return FirstLine(content, l => string.Equals(l.Text, quoted, StringComparison.Ordinal))
                ?? FirstLine(content, l => string.Equals(l.Text, quoted, StringComparison.OrdinalIgnoreCase));
        }

        if (parserMessage.StartsWith(ExpectedEnd, StringComparison.Ordinal))
        {
            return FirstStructuralError(content, outsideComponents: false);
        }

        if (parserMessage.StartsWith(ExpectedBegin, StringComparison.Ordinal))
        {
            return FirstStructuralError(content, outsideComponents: true);
        }

        return null;
    }

    /// <summary>The first END that does not close the open component, or (<paramref name="outsideComponents"/>) the first line outside any component that is not a BEGIN.</summary>
    private static int? FirstStructuralError(string content, bool outsideComponents)
    {
        var open = new Stack<string>();
        foreach (var line in LogicalLines(content))
        {
            if (line.Text.Length == 0)
            {
                continue;
            }

            if (TryComponent(line.Text, "BEGIN:", out var begun))
            {
                open.Push(begun);
            }
            else if (TryComponent(line.Text, "END:", out var ended))
            {
                if (open.Count == 0 || !string.Equals(open.Pop(), ended, StringComparison.OrdinalIgnoreCase))
                {
                    return outsideComponents ? null : line.Number;
                }
            }
            else if (open.Count == 0 && outsideComponents)
            {
                return line.Number;
            }
        }

        return null;
    }

    private static bool TryComponent(string line, string keyword, out string name)
    {
        name = line.StartsWith(keyword, StringComparison.OrdinalIgnoreCase) ? line[keyword.Length..].Trim() : "";
        return name.Length > 0;
    }

    private static int? FirstLine(string content, Func<(int Number, string Text), bool> match)
    {
        foreach (var line in LogicalLines(content))
        {
            if (match(line))
            {
                return line.Number;
            }
        }

        return null;
    }

    /// <summary>Unfolded content lines with the physical line number each starts on (RFC 5545 §3.1).</summary>
    private static IEnumerable<(int Number, string Text)> LogicalLines(string content)
    {
        using var reader = new StringReader(content); // ReadLine breaks at CR, LF and CRLF, as Ical.Net's reader does.
        var physical = 0;
        var start = 0;
        System.Text.StringBuilder? current = null;
        while (reader.ReadLine() is { } line)
        {
            physical++;
            if (current is not null && line.Length > 0 && (line[0] == ' ' || line[0] == '\t'))
            {
                current.Append(line, 1, line.Length - 1);
                continue;
            }

            if (current is not null)
            {
                yield return (start, current.ToString());
            }

            current = new System.Text.StringBuilder(line);
            start = physical;
        }

        if (current is not null)
        {
            yield return (start, current.ToString());
        }
    }
}

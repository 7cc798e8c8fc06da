namespace Cal.Infrastructure.Ical;

/// <summary>
/// Ical.Net's errors quote the offending text ("Could not parse line: '...'", "Expected 'END:VEVENT',
/// found 'END:VTODO'") but give no line number; this finds the 1-based physical line they refer to.
/// </summary>
internal static class ParseErrorLocator
{
    public static int? LineOf(string content, string parserMessage)
    {
        if (parserMessage.StartsWith("Unclosed component", StringComparison.Ordinal))
        {
            return CountLines(content);
        }

        var end = parserMessage.LastIndexOf('\'');
        var start = end > 0 ? parserMessage.LastIndexOf('\'', end - 1) : -1;
        if (start < 0)
        {
            return null;
        }

        var quoted = parserMessage.AsSpan(start + 1, end - start - 1);
        if (quoted.IsEmpty)
        {
            return null;
        }

        var lineNumber = 0;
        foreach (var line in content.AsSpan().EnumerateLines())
        {
            lineNumber++;
            if (line.IsEmpty)
            {
                continue;
            }

            // A folded line is quoted unfolded; its first physical line is a prefix of the quote.
            var probe = line.Length < quoted.Length ? line : line[..quoted.Length];
            if (quoted.StartsWith(probe, StringComparison.Ordinal) && (probe.Length == quoted.Length || probe.Length == line.Length))
            {
                return lineNumber;
            }
        }

        return null;
    }

    private static int CountLines(string content)
    {
        var count = 0;
        foreach (var line in content.AsSpan().TrimEnd("\r\n").EnumerateLines())
        {
            _ = line;
            count++;
        }

        return count;
    }
}

using System.Runtime.CompilerServices;

namespace Cal.Infrastructure.Ical;

/// <summary>
/// RFC 5545 content lines (<c>name *(";" param-name "=" param-value *("," param-value)) ":" value</c>), tokenized one way for
/// the checker, which splits and validates every line (<see cref="Split"/>), and the index builder, which reads a parameter of a
/// line the checker accepted (<see cref="Parameter"/>): both walk the parameters with <see cref="ParameterTokenizer"/>.
/// Lenient where cal.com's parser (ical.js) is: a vCard-style group prefix (<c>GROUP1.X-TEST</c>), spaces around names and
/// <c>=</c> (<c>REFRESH - INTERVAL; VALUE = DURATION</c>) and empty parameters (<c>DTSTART;;VALUE=...</c>).
/// Hot: called for every line of every feed (see <see cref="IcsStreamingChecker"/>'s note on AggressiveOptimization).
/// </summary>
internal static class ContentLine
{
    public const string NotAContentLine = "not a content line (NAME:value)";

    private const string BadName = "a property name must be letters, digits and dashes";

    /// <summary>
    /// Splits a line into its name, its parameters (from the first <c>;</c>, as written) and its value; returns what is wrong,
    /// or null. The name handed on is normalised (prefix and spaces removed) into <paramref name="scratch"/> when it has to be.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string? Split(
        ReadOnlySpan<char> line,
        char[] scratch,
        out ReadOnlySpan<char> name,
        out ReadOnlySpan<char> parameters,
        out ReadOnlySpan<char> value
    )
    {
        value = default;
        parameters = default;
        var nameEnd = line.IndexOfAny(';', ':');
        name = nameEnd < 0 ? line : line[..nameEnd];
        if (nameEnd < 0)
        {
            return NotAContentLine;
        }

        if ((name.IsEmpty || !IsName(name)) && Normalise(name, scratch, out name) is { } badName)
        {
            return badName;
        }

        var tokens = new ParameterTokenizer(line[nameEnd..], valueFollows: true);
        while (tokens.MoveNext()) { }

        if (tokens.Error is { } error)
        {
            return error;
        }

        parameters = line[nameEnd..^tokens.Rest.Length];
        value = tokens.Rest[1..];
        return null;
    }

    /// <summary>A parameter's value from a line's parameters (quotes removed); empty when absent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static ReadOnlySpan<char> Parameter(ReadOnlySpan<char> parameters, string name)
    {
        var tokens = new ParameterTokenizer(parameters, valueFollows: false);
        while (tokens.MoveNext())
        {
            if (NameEquals(tokens.Name, name))
            {
                return tokens.Value.Trim().Trim('"').Trim();
            }
        }

        return [];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsName(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A parameter name as the checker accepts it: letters, digits, <c>-</c>, <c>_</c>, with spaces tolerated.</summary>
    public static bool IsLenientName(ReadOnlySpan<char> name)
    {
        name = name.Trim(" \t");
        if (name.IsEmpty)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_' && c != ' ' && c != '\t')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A name with spaces or a group prefix, made plain; what is wrong when it is not a name even then.</summary>
    private static string? Normalise(ReadOnlySpan<char> raw, char[] scratch, out ReadOnlySpan<char> name)
    {
        var length = 0;
        foreach (var c in raw)
        {
            if (c is ' ' or '\t')
            {
                continue;
            }

            if (length == scratch.Length)
            {
                name = default;
                return BadName;
            }

            scratch[length++] = c;
        }

        name = scratch.AsSpan(0, length);
        var dot = name.LastIndexOf('.');
        if (dot >= 0)
        {
            var group = name[..dot];
            name = name[(dot + 1)..];
            if (group.IsEmpty || !IsName(group))
            {
                return BadName;
            }
        }

        return name.IsEmpty || !IsName(name) ? BadName : null;
    }

    /// <summary>A parameter's name as written equals <paramref name="name"/>, spaces inside it (<c>R ANGE</c>) tolerated.</summary>
    private static bool NameEquals(ReadOnlySpan<char> raw, string name)
    {
        raw = raw.Trim();
        if (raw.Equals(name, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        Span<char> compact = stackalloc char[Math.Min(raw.Length, 64)];
        var length = 0;
        foreach (var c in raw)
        {
            if (c is not (' ' or '\t') && length < compact.Length)
            {
                compact[length++] = c;
            }
        }

        return compact[..length].Equals(name, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>
/// A content line's parameters, one at a time, from the first <c>;</c>: <see cref="Name"/> as written (spaces kept),
/// <see cref="Value"/> raw (quotes and the commas of a list kept). With <c>valueFollows</c> (a whole line), the parameters must
/// end at the <c>:</c> that starts the line's value, and <see cref="Rest"/> is left there; otherwise (a line's parameters alone)
/// they may end with the text.
/// </summary>
internal ref struct ParameterTokenizer(ReadOnlySpan<char> text, bool valueFollows)
{
    private ReadOnlySpan<char> rest = text;

    public ReadOnlySpan<char> Name { get; private set; }

    public ReadOnlySpan<char> Value { get; private set; }

    /// <summary>What is wrong with the parameters, once <see cref="MoveNext"/> has returned false; null when they are well
    /// formed.</summary>
    public string? Error { get; private set; }

    /// <summary>The text after the parameters read so far (<c>:</c> and the value, at the end of a whole line).</summary>
    public readonly ReadOnlySpan<char> Rest => rest;

    /// <summary>The next parameter; false at the end of the parameters, or at something wrong (<see cref="Error"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // inlined into Split and Parameter, which are compiled optimised at once
    public bool MoveNext()
    {
        while (!rest.IsEmpty && rest[0] == ';')
        {
            rest = rest[1..].TrimStart(" \t");
            if (rest.IsEmpty)
            {
                break;
            }

            if (rest[0] is ';' or ':')
            {
                continue; // an empty parameter
            }

            var equals = rest.IndexOf('=');
            if (equals <= 0 || !ContentLine.IsLenientName(rest[..equals]))
            {
                Error = "a parameter must be NAME=value";
                return false;
            }

            Name = rest[..equals];
            var value = rest[(equals + 1)..].TrimStart(" \t");
            rest = value;
            Error = SkipValues();
            Value = value[..^rest.Length];
            return Error is null;
        }

        if (rest.IsEmpty && valueFollows)
        {
            Error = ContentLine.NotAContentLine;
        }

        return false;
    }

    /// <summary>Moves past a parameter's values (<c>value *("," value)</c>, each quoted or not) to the <c>;</c> or <c>:</c> after
    /// them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private string? SkipValues()
    {
        while (true)
        {
            if (!rest.IsEmpty && rest[0] == '"')
            {
                var close = rest[1..].IndexOf('"');
                if (close < 0)
                {
                    return "a quoted parameter value is not closed";
                }

                rest = rest[(close + 2)..].TrimStart(" \t");
            }
            else
            {
                var stop = rest.IndexOfAny(";:,\"");
                if (stop < 0 && !valueFollows)
                {
                    rest = rest[rest.Length..];
                    return null; // the last parameter's value ends with the text
                }

                if (stop < 0 || rest[stop] == '"')
                {
                    return stop < 0 ? ContentLine.NotAContentLine : "a quote inside an unquoted parameter value";
                }

                rest = rest[stop..];
            }

            if (rest.IsEmpty)
            {
                return valueFollows ? ContentLine.NotAContentLine : null;
            }

            if (rest[0] != ',')
            {
                break;
            }

            rest = rest[1..].TrimStart(" \t");
        }

        return rest[0] is ';' or ':' ? null : "unexpected text after a quoted parameter value";
    }
}

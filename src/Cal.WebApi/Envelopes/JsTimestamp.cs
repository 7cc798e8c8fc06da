namespace Cal.WebApi.Envelopes;

/// <summary>
/// An instant as cal.com (JavaScript's <c>toISOString</c>) writes it: <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>, in UTC. Written
/// digit by digit: a week of a large feed's busy times is thousands of these per response, and the general-purpose
/// custom-format path cost more per request than reading the busy-time index (benchmarks/README.md).
/// </summary>
internal static class JsTimestamp
{
    public const int Length = 24;

    public static string Format(DateTimeOffset instant) => string.Create(Length, instant, static (span, t) => Write(span, t));

    /// <summary>Writes the 24 characters into <paramref name="span"/> (for writers that take spans).</summary>
    public static void Write(Span<char> span, DateTimeOffset instant)
    {
        var t = instant.UtcDateTime;
        Digits(span[..4], t.Year);
        span[4] = '-';
        Digits(span.Slice(5, 2), t.Month);
        span[7] = '-';
        Digits(span.Slice(8, 2), t.Day);
        span[10] = 'T';
        Digits(span.Slice(11, 2), t.Hour);
        span[13] = ':';
        Digits(span.Slice(14, 2), t.Minute);
        span[16] = ':';
        Digits(span.Slice(17, 2), t.Second);
        span[19] = '.';
        Digits(span.Slice(20, 3), t.Millisecond);
        span[23] = 'Z';
    }

    private static void Digits(Span<char> span, int value)
    {
        for (var i = span.Length - 1; i >= 0; i--)
        {
            span[i] = (char)('0' + (value % 10));
            value /= 10;
        }
    }
}

namespace Cal.WebApi.Envelopes;

/// <summary>
/// An instant as cal.com (JavaScript's <c>toISOString</c>) writes it: <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>, in UTC. Written
/// digit by digit: a week of a large feed's busy times is thousands of these per response, and the general-purpose
/// custom-format path cost more per request than reading the busy-time index (benchmarks/README.md).
/// </summary>
internal static class JsTimestamp
{
    public const int Length = 24;

    public static string Format(DateTimeOffset instant) => string.Create(Length, instant, static (span, t) => Write<char>(span, t));

    /// <summary>Writes the 24 characters into <paramref name="span"/> (chars, or UTF-8 bytes for writers that take them).</summary>
    public static void Write<T>(Span<T> span, DateTimeOffset instant)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        var t = instant.UtcDateTime;
        Digits(span[..4], t.Year);
        span[4] = T.CreateTruncating('-');
        Digits(span.Slice(5, 2), t.Month);
        span[7] = T.CreateTruncating('-');
        Digits(span.Slice(8, 2), t.Day);
        span[10] = T.CreateTruncating('T');
        Digits(span.Slice(11, 2), t.Hour);
        span[13] = T.CreateTruncating(':');
        Digits(span.Slice(14, 2), t.Minute);
        span[16] = T.CreateTruncating(':');
        Digits(span.Slice(17, 2), t.Second);
        span[19] = T.CreateTruncating('.');
        Digits(span.Slice(20, 3), t.Millisecond);
        span[23] = T.CreateTruncating('Z');
    }

    private static void Digits<T>(Span<T> span, int value)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        for (var i = span.Length - 1; i >= 0; i--)
        {
            span[i] = T.CreateTruncating('0' + (value % 10));
            value /= 10;
        }
    }
}

/// <summary>Every <see cref="DateTime"/> in an answer written as JavaScript writes dates (<see cref="JsTimestamp"/>): always three fraction
/// digits.</summary>
internal sealed class JsTimestampConverter : System.Text.Json.Serialization.JsonConverter<DateTime>
{
    public override DateTime Read(
        ref System.Text.Json.Utf8JsonReader reader,
        Type typeToConvert,
        System.Text.Json.JsonSerializerOptions options
    ) => reader.GetDateTime();

    public override void Write(System.Text.Json.Utf8JsonWriter writer, DateTime value, System.Text.Json.JsonSerializerOptions options)
    {
        Span<byte> utf8 = stackalloc byte[JsTimestamp.Length];
        JsTimestamp.Write(utf8, new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc)));
        writer.WriteStringValue(utf8);
    }
}

/// <summary>Every <see cref="DateTimeOffset"/> in an answer (bookings, reservations) written as JavaScript writes dates: UTC, three
/// fraction digits.</summary>
internal sealed class JsInstantConverter : System.Text.Json.Serialization.JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(
        ref System.Text.Json.Utf8JsonReader reader,
        Type typeToConvert,
        System.Text.Json.JsonSerializerOptions options
    ) => reader.GetDateTimeOffset();

    public override void Write(System.Text.Json.Utf8JsonWriter writer, DateTimeOffset value, System.Text.Json.JsonSerializerOptions options)
    {
        Span<byte> utf8 = stackalloc byte[JsTimestamp.Length];
        JsTimestamp.Write(utf8, value);
        writer.WriteStringValue(utf8);
    }
}

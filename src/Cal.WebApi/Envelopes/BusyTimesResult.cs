using System.Text.Json;
using Cal.Application.Calendars.Queries.GetBusyTimes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Cal.WebApi.Envelopes;

/// <summary>
/// The busy-times answer (<c>{"status":"success","data":[{"start","end","source"}],"truncated":[...]}</c>, the shape
/// of <see cref="Controllers.CalendarsController.BusyTimesEnvelope"/>) written straight to the response: a week of a
/// large feed is thousands of intervals and a year hundreds of thousands, and a record plus two strings per interval
/// for the general serializer cost several times what reading the busy-time index does.
/// </summary>
internal sealed class BusyTimesResult(BusyTimesDto busy) : IActionResult
{
    private static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText Success = JsonEncodedText.Encode("success");
    private static readonly JsonEncodedText Data = JsonEncodedText.Encode("data");
    private static readonly JsonEncodedText Start = JsonEncodedText.Encode("start");
    private static readonly JsonEncodedText End = JsonEncodedText.Encode("end");
    private static readonly JsonEncodedText Source = JsonEncodedText.Encode("source");
    private static readonly JsonEncodedText Truncated = JsonEncodedText.Encode("truncated");
    private static readonly JsonEncodedText CredentialId = JsonEncodedText.Encode("credentialId");
    private static readonly JsonEncodedText ExternalId = JsonEncodedText.Encode("externalId");

    /// <summary>Bytes written before the response is flushed, so a year's answer streams rather than sitting in memory whole.</summary>
    private const int FlushEvery = 64 * 1024;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        var encoder = context.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.JsonSerializerOptions.Encoder;
        await using var writer = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { Encoder = encoder, SkipValidation = true });

        writer.WriteStartObject();
        writer.WriteString(Status, Success);
        writer.WriteStartArray(Data);
        var sourceText = default(JsonEncodedText);
        string? source = null;
        foreach (var interval in busy.Intervals)
        {
            if (!ReferenceEquals(interval.Source, source))
            {
                source = interval.Source;
                sourceText = JsonEncodedText.Encode(source, encoder);
            }

            writer.WriteStartObject();
            WriteTimestamp(writer, Start, interval.Start);
            WriteTimestamp(writer, End, interval.End);
            writer.WriteString(Source, sourceText);
            writer.WriteEndObject();
            if (writer.BytesPending >= FlushEvery)
            {
                await writer.FlushAsync(context.HttpContext.RequestAborted);
            }
        }

        writer.WriteEndArray();
        writer.WriteStartArray(Truncated);
        foreach (var calendar in busy.Truncated)
        {
            writer.WriteStartObject();
            writer.WriteNumber(CredentialId, calendar.CredentialId);
            writer.WriteString(ExternalId, calendar.ExternalId);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(context.HttpContext.RequestAborted);
    }

    private static void WriteTimestamp(Utf8JsonWriter writer, JsonEncodedText name, DateTimeOffset instant)
    {
        Span<byte> utf8 = stackalloc byte[JsTimestamp.Length];
        JsTimestamp.Write(utf8, instant);
        writer.WriteString(name, utf8);
    }
}

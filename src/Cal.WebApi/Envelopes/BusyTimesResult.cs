using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Cal.Application.Calendars.Queries.GetBusyTimes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Cal.WebApi.Envelopes;

/// <summary>
/// The busy-times answer (<c>{"status":"success","data":[{"start","end","source"}],"truncated":[...]}</c>, the shape
/// of <see cref="Controllers.CalendarsController.BusyTimesEnvelope"/>) written straight into the response's pipe. A week
/// of a large feed is thousands of intervals and a year hundreds of thousands; every item has the same fixed shape
/// (two 24-character timestamps and an app id encoded once), so it is laid out byte by byte from a template rather
/// than through a general JSON writer's per-value checks. The sources are merged in order on the way
/// (<see cref="BusyTimesDto.Merge"/>), and the pipe is flushed every 64 KB, so a year streams rather than sitting whole.
/// </summary>
internal sealed class BusyTimesResult(BusyTimesDto busy) : IActionResult
{
    private static readonly byte[] Head = "{\"status\":\"success\",\"data\":["u8.ToArray();
    private static readonly byte[] ItemStart = "{\"start\":\""u8.ToArray();
    private static readonly byte[] ItemEnd = "\",\"end\":\""u8.ToArray();
    private static readonly byte[] ItemSource = "\",\"source\":"u8.ToArray();
    private static readonly byte[] Middle = "],\"truncated\":["u8.ToArray();
    private static readonly byte[] Tail = "]}"u8.ToArray();

    /// <summary>Bytes written before the response is flushed.</summary>
    private const int FlushEvery = 64 * 1024;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        var encoder = context.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.JsonSerializerOptions.Encoder ?? JavaScriptEncoder.Default;
        var pipe = response.BodyWriter;
        var aborted = context.HttpContext.RequestAborted;

        pipe.Write(Head);
        var unflushed = Head.Length;
        var merge = busy.Merge();
        string? source = null;
        byte[] sourceJson = [];
        var first = true;
        while (merge.MoveNext())
        {
            if (!ReferenceEquals(merge.Source, source))
            {
                source = merge.Source;
                sourceJson = Quoted(source, encoder);
            }

            unflushed += WriteItem(pipe, merge.Current.Start, merge.Current.End, sourceJson, first);
            first = false;
            if (unflushed >= FlushEvery)
            {
                await pipe.FlushAsync(aborted);
                unflushed = 0;
            }
        }

        pipe.Write(Middle);
        for (var i = 0; i < busy.Truncated.Count; i++)
        {
            var calendar = busy.Truncated[i];
            var item = string.Create(CultureInfo.InvariantCulture, $"{(i > 0 ? "," : "")}{{\"credentialId\":{calendar.CredentialId},\"externalId\":");
            pipe.Write(Encoding.UTF8.GetBytes(item));
            pipe.Write(Quoted(calendar.ExternalId, encoder));
            pipe.Write("}"u8);
        }

        pipe.Write(Tail);
        await pipe.FlushAsync(aborted);
    }

    private static int WriteItem(System.IO.Pipelines.PipeWriter pipe, DateTimeOffset start, DateTimeOffset end, byte[] sourceJson, bool first)
    {
        var length = (first ? 0 : 1) + ItemStart.Length + JsTimestamp.Length + ItemEnd.Length + JsTimestamp.Length + ItemSource.Length + sourceJson.Length + 1;
        var span = pipe.GetSpan(length);
        var at = 0;
        if (!first)
        {
            span[at++] = (byte)',';
        }

        ItemStart.CopyTo(span[at..]);
        at += ItemStart.Length;
        JsTimestamp.Write(span.Slice(at, JsTimestamp.Length), start);
        at += JsTimestamp.Length;
        ItemEnd.CopyTo(span[at..]);
        at += ItemEnd.Length;
        JsTimestamp.Write(span.Slice(at, JsTimestamp.Length), end);
        at += JsTimestamp.Length;
        ItemSource.CopyTo(span[at..]);
        at += ItemSource.Length;
        sourceJson.CopyTo(span[at..]);
        at += sourceJson.Length;
        span[at++] = (byte)'}';
        pipe.Advance(at);
        return at;
    }

    /// <summary>A string as a JSON string literal (quotes included), escaped by the API's own encoder.</summary>
    private static byte[] Quoted(string value, JavaScriptEncoder encoder)
    {
        var encoded = JsonEncodedText.Encode(value, encoder).EncodedUtf8Bytes;
        var quoted = new byte[encoded.Length + 2];
        quoted[0] = quoted[^1] = (byte)'"';
        encoded.CopyTo(quoted.AsSpan(1));
        return quoted;
    }
}

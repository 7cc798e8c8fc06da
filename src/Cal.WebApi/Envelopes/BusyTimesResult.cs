using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Cal.Application.Calendars.Common;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Cal.WebApi.Envelopes;

/// <summary>
/// The busy-times answer (<c>{"status":"success","data":[{"start","end","source"}],"truncated":[...]}</c>, the shape
/// of <see cref="Controllers.CalendarsController.BusyTimesEnvelope"/>) written straight into the response's pipe. A week
/// of a large feed is thousands of intervals and a year hundreds of thousands; every item has the same fixed shape
/// (two 24-character timestamps and an app id encoded once), so it is laid out byte by byte from a template rather
/// than through a general JSON writer's per-value checks. The sources are merged in order on the way
/// (<see cref="MergedBusyTimes.Merge"/>). A small answer (a week) is laid out whole and sent with its Content-Length; a large
/// one is streamed, the pipe flushed every 64 KB, so a year never sits whole in memory.
/// </summary>
internal sealed class BusyTimesResult(MergedBusyTimes busy) : IActionResult
{
    private static readonly byte[] Head = "{\"status\":\"success\",\"data\":["u8.ToArray();
    private static readonly byte[] ItemStart = "{\"start\":\""u8.ToArray();
    private static readonly byte[] ItemEnd = "\",\"end\":\""u8.ToArray();
    private static readonly byte[] ItemSource = "\",\"source\":"u8.ToArray();
    private static readonly byte[] Middle = "],\"truncated\":["u8.ToArray();
    private static readonly byte[] Tail = "]}"u8.ToArray();

    /// <summary>Bytes written before the response is flushed.</summary>
    private const int FlushEvery = 64 * 1024;

    /// <summary>Answers of up to this many intervals (a typical week) are laid out whole first and sent with their length.</summary>
    private const int SentWholeUpTo = 512;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        var encoder =
            context.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.JsonSerializerOptions.Encoder
            ?? JavaScriptEncoder.Default;
        var aborted = context.HttpContext.RequestAborted;
        var writer = new Writer(busy, encoder);

        var count = 0;
        foreach (var source in busy.Sources)
        {
            count += source.Intervals.Count;
        }

        if (count <= SentWholeUpTo)
        {
            // Small: one buffer, a Content-Length, one write (no chunked framing).
            var whole = new ArrayBufferWriter<byte>(256 + (count * 96));
            writer.Write(whole, int.MaxValue);
            response.ContentLength = whole.WrittenCount;
            await response.BodyWriter.WriteAsync(whole.WrittenMemory, aborted);
            return;
        }

        // Large: streamed, flushed every 64 KB, so a year never sits whole in memory.
        var pipe = response.BodyWriter;
        while (!writer.Write(pipe, FlushEvery))
        {
            await pipe.FlushAsync(aborted);
        }

        await pipe.FlushAsync(aborted);
    }

    /// <summary>The answer laid out piece by piece: each <see cref="Write"/> call continues where the last stopped.</summary>
    private sealed class Writer(MergedBusyTimes busy, JavaScriptEncoder encoder)
    {
        private readonly BusyTimeMerge merge = busy.Merge();
        private bool started;
        private bool first = true;
        private string? source;
        private byte[] sourceJson = [];

        /// <summary>Writes about <paramref name="budget"/> bytes or more; true when the answer is complete.</summary>
        public bool Write(IBufferWriter<byte> output, int budget)
        {
            var written = 0;
            if (!started)
            {
                output.Write(Head);
                written += Head.Length;
                started = true;
            }

            while (written < budget)
            {
                if (!merge.MoveNext())
                {
                    WriteTail(output);
                    return true;
                }

                if (!ReferenceEquals(merge.Source, source))
                {
                    source = merge.Source;
                    sourceJson = Quoted(source, encoder);
                }

                written += WriteItem(output, merge.Current.Start, merge.Current.End, sourceJson, first);
                first = false;
            }

            return false;
        }

        private void WriteTail(IBufferWriter<byte> output)
        {
            output.Write(Middle);
            for (var i = 0; i < busy.Truncated.Count; i++)
            {
                var calendar = busy.Truncated[i];
                var item = string.Create(
                    CultureInfo.InvariantCulture,
                    $"{(i > 0 ? "," : "")}{{\"credentialId\":{calendar.CredentialId},\"externalId\":"
                );
                output.Write(Encoding.UTF8.GetBytes(item));
                output.Write(Quoted(calendar.ExternalId, encoder));
                output.Write("}"u8);
            }

            output.Write(Tail);
        }
    }

    private static int WriteItem(IBufferWriter<byte> pipe, DateTimeOffset start, DateTimeOffset end, byte[] sourceJson, bool first)
    {
        var length =
            (first ? 0 : 1)
            + ItemStart.Length
            + JsTimestamp.Length
            + ItemEnd.Length
            + JsTimestamp.Length
            + ItemSource.Length
            + sourceJson.Length
            + 1;
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

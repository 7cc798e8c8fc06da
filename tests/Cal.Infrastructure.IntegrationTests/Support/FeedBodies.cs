using System.IO.Compression;
using System.Text;
using Cal.Testing;

namespace Cal.Infrastructure.IntegrationTests.Support;

/// <summary>Bodies for the loopback routes: calendars in given encodings, padded and compressed.</summary>
internal static class FeedBodies
{
    public const string Head = Ics.Head;

    /// <summary>A valid calendar whose X-WR-CALNAME is <paramref name="name"/>.</summary>
    public static string Named(string name) => Ics.NamedCalendar(name, Ics.Event("enc-1", "DTSTART:20260105T090000Z", "SUMMARY:Café"));

    /// <summary>Exactly <paramref name="size"/> bytes of ASCII that start like a calendar.</summary>
    public static byte[] OfSize(int size)
    {
        var bytes = new byte[size];
        var head = Encoding.ASCII.GetBytes(Head);
        bytes.AsSpan().Fill((byte)'a');
        head.AsSpan(0, Math.Min(head.Length, size)).CopyTo(bytes);
        return bytes;
    }

    /// <summary>A calendar padded with X- lines to about <paramref name="size"/> bytes: compresses to very little.</summary>
    public static byte[] Padded(int size)
    {
        var text = new StringBuilder(Head, size + 128);
        const string line = "X-PADDING:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
        while (text.Length < size)
        {
            text.Append(line);
        }

        text.Append("END:VCALENDAR\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    public static byte[] Compress(byte[] body, string contentEncoding)
    {
        using var output = new MemoryStream();
        using (
            Stream compressor = contentEncoding switch
            {
                "gzip" => new GZipStream(output, CompressionLevel.SmallestSize, leaveOpen: true),
                "br" => new BrotliStream(output, CompressionLevel.SmallestSize, leaveOpen: true),
                _ => throw new ArgumentOutOfRangeException(nameof(contentEncoding), contentEncoding, null),
            }
        )
        {
            compressor.Write(body);
        }

        return output.ToArray();
    }
}

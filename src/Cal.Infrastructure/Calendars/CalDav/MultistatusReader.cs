using System.Globalization;
using System.Runtime.InteropServices;
using System.Xml;

namespace Cal.Infrastructure.Calendars.CalDav;

/// <summary>What Cal reads of one resource's properties in a multistatus (those a propstat reports with a 2xx status).</summary>
internal sealed class DavProperties
{
    public string? ETag { get; set; }

    /// <summary>CalendarServer's <c>getctag</c>: changes whenever anything in the calendar changes.</summary>
    public string? CTag { get; set; }

    /// <summary>RFC 6578's <c>sync-token</c> property of a collection.</summary>
    public string? SyncToken { get; set; }

    public string? DisplayName { get; set; }

    public string? PrincipalHref { get; set; }

    public string? HomeHref { get; set; }

    public bool IsCalendar { get; set; }

    /// <summary>The components the calendar takes (<c>supported-calendar-component-set</c>); null when not reported (all).</summary>
    public List<string>? Components { get; set; }

    /// <summary>Whether the privileges reported include writing; null when no privilege set was reported.</summary>
    public bool? CanWrite { get; set; }

    public void MergeFrom(DavProperties other)
    {
        ETag = other.ETag ?? ETag;
        CTag = other.CTag ?? CTag;
        SyncToken = other.SyncToken ?? SyncToken;
        DisplayName = other.DisplayName ?? DisplayName;
        PrincipalHref = other.PrincipalHref ?? PrincipalHref;
        HomeHref = other.HomeHref ?? HomeHref;
        IsCalendar |= other.IsCalendar;
        Components = other.Components ?? Components;
        CanWrite = other.CanWrite ?? CanWrite;
    }
}

/// <summary>One <c>response</c> of a multistatus: its href, its own status (sync-collection's 404 and 507), its properties and what its
/// calendar data was read into.</summary>
internal sealed class DavResponse
{
    public string? Href { get; set; }

    public int? Status { get; set; }

    public DavProperties Props { get; } = new();

    /// <summary>What the calendar-data reader made of this resource's <c>calendar-data</c> (null when there was none).</summary>
    public object? CalendarData { get; set; }
}

/// <summary>
/// Reads a WebDAV multistatus as it arrives (an <see cref="XmlReader"/> over the response stream), handing each
/// <c>response</c> on as soon as it is complete and each <c>calendar-data</c> to a reader as text, without building a
/// document or copying the data: memory is bounded by one response's small properties, whatever the answer's size.
/// Only the properties Cal uses are kept (each capped in length); everything else is skipped unread. DTDs are refused.
/// </summary>
internal static class MultistatusReader
{
    public const string Dav = "DAV:";
    public const string CalDav = "urn:ietf:params:xml:ns:caldav";
    public const string CalendarServer = "http://calendarserver.org/ns/";

    private const int MaxHrefLength = 8 * 1024;
    private const int MaxValueLength = 1024;
    private const int MaxComponents = 32;

    public static XmlReaderSettings Settings { get; } =
        new()
        {
            Async = true,
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            CloseInput = false,
        };

    /// <summary>
    /// Reads the multistatus in <paramref name="stream"/>: <paramref name="onResponse"/> for each response in order;
    /// <paramref name="readCalendarData"/> (if given) for each <c>calendar-data</c>, with the response's href when it came
    /// first, as its text. Returns the document's own <c>sync-token</c> (sync-collection), if any. Throws
    /// <see cref="XmlException"/> for what is not a multistatus.
    /// </summary>
    public static async Task<string?> ReadAsync(
        Stream stream,
        Func<DavResponse, ValueTask> onResponse,
        Func<string?, TextReader, Task<object?>>? readCalendarData = null
    )
    {
        using var reader = XmlReader.Create(stream, Settings);
        if (await reader.MoveToContentAsync() != XmlNodeType.Element || !Is(reader, Dav, "multistatus"))
        {
            throw new XmlException("Not a WebDAV multistatus.");
        }

        string? syncToken = null;
        if (reader.IsEmptyElement)
        {
            return null;
        }

        var depth = reader.Depth;
        await reader.ReadAsync();
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                await reader.ReadAsync();
                continue;
            }

            if (Is(reader, Dav, "response"))
            {
                await onResponse(await ReadResponseAsync(reader, readCalendarData));
            }
            else if (Is(reader, Dav, "sync-token"))
            {
                syncToken = Trimmed(await ReadTextAsync(reader, MaxValueLength));
            }
            else
            {
                await reader.SkipAsync();
            }
        }

        return syncToken;
    }

    private static async Task<DavResponse> ReadResponseAsync(XmlReader reader, Func<string?, TextReader, Task<object?>>? readCalendarData)
    {
        var response = new DavResponse();
        await ForEachChildAsync(
            reader,
            async () =>
            {
                if (Is(reader, Dav, "href"))
                {
                    response.Href = Trimmed(await ReadTextAsync(reader, MaxHrefLength));
                }
                else if (Is(reader, Dav, "status"))
                {
                    response.Status = StatusOf(await ReadTextAsync(reader, MaxValueLength));
                }
                else if (Is(reader, Dav, "propstat"))
                {
                    await ReadPropstatAsync(reader, response, readCalendarData);
                }
                else
                {
                    await reader.SkipAsync();
                }
            }
        );
        return response;
    }

    private static async Task ReadPropstatAsync(
        XmlReader reader,
        DavResponse response,
        Func<string?, TextReader, Task<object?>>? readCalendarData
    )
    {
        var props = new DavProperties();
        object? data = null;
        int? status = null;
        await ForEachChildAsync(
            reader,
            async () =>
            {
                if (Is(reader, Dav, "prop"))
                {
                    data = await ReadPropAsync(reader, props, response.Href, readCalendarData) ?? data;
                }
                else if (Is(reader, Dav, "status"))
                {
                    status = StatusOf(await ReadTextAsync(reader, MaxValueLength));
                }
                else
                {
                    await reader.SkipAsync();
                }
            }
        );

        // A propstat without a status is taken as found (lenient servers); a 404 one lists what the resource lacks.
        if (status is null or (>= 200 and < 300))
        {
            response.Props.MergeFrom(props);
            response.CalendarData = data ?? response.CalendarData;
        }
    }

    private static async Task<object?> ReadPropAsync(
        XmlReader reader,
        DavProperties props,
        string? href,
        Func<string?, TextReader, Task<object?>>? readCalendarData
    )
    {
        object? data = null;
        await ForEachChildAsync(
            reader,
            async () =>
            {
                switch (reader.NamespaceURI, reader.LocalName)
                {
                    case (Dav, "getetag"):
                        props.ETag = Trimmed(await ReadTextAsync(reader, MaxValueLength));
                        break;
                    case (CalendarServer, "getctag"):
                        props.CTag = Trimmed(await ReadTextAsync(reader, MaxValueLength));
                        break;
                    case (Dav, "sync-token"):
                        props.SyncToken = Trimmed(await ReadTextAsync(reader, MaxValueLength));
                        break;
                    case (Dav, "displayname"):
                        props.DisplayName = Trimmed(await ReadTextAsync(reader, MaxValueLength));
                        break;
                    case (Dav, "current-user-principal"):
                        props.PrincipalHref = await ReadHrefAsync(reader);
                        break;
                    case (CalDav, "calendar-home-set"):
                        props.HomeHref = await ReadHrefAsync(reader);
                        break;
                    case (Dav, "resourcetype"):
                        await ForEachDescendantAsync(reader, () => props.IsCalendar |= Is(reader, CalDav, "calendar"));
                        break;
                    case (CalDav, "supported-calendar-component-set"):
                        props.Components = await ReadComponentsAsync(reader);
                        break;
                    case (Dav, "current-user-privilege-set"):
                        props.CanWrite = await ReadCanWriteAsync(reader);
                        break;
                    case (CalDav, "calendar-data") when readCalendarData is not null && !reader.IsEmptyElement:
                        var text = new XmlContentTextReader(reader);
                        data = await readCalendarData(href, text);
                        await text.DrainAsync(); // what the data reader left, up to </calendar-data>
                        await reader.ReadAsync();
                        break;
                    default:
                        await reader.SkipAsync();
                        break;
                }
            }
        );
        return data;
    }

    /// <summary>The components a calendar holds (<c>comp name="VEVENT"</c>...), at most <see cref="MaxComponents"/>.</summary>
    private static async Task<List<string>> ReadComponentsAsync(XmlReader reader)
    {
        var components = new List<string>();
        await ForEachDescendantAsync(
            reader,
            () =>
            {
                if (
                    Is(reader, CalDav, "comp")
                    && components.Count < MaxComponents
                    && reader.GetAttribute("name") is { Length: > 0 and <= 64 } name
                )
                {
                    components.Add(name);
                }
            }
        );
        return components;
    }

    /// <summary>Whether the privileges the server grants the account include writing (<c>write</c>, <c>write-content</c>,
    /// <c>all</c>).</summary>
    private static async Task<bool> ReadCanWriteAsync(XmlReader reader)
    {
        var canWrite = false;
        await ForEachDescendantAsync(
            reader,
            () => canWrite |= reader.NamespaceURI == Dav && reader.LocalName is "write" or "write-content" or "all"
        );
        return canWrite;
    }

    /// <summary>The first <c>href</c> inside the current element.</summary>
    private static async Task<string?> ReadHrefAsync(XmlReader reader)
    {
        string? href = null;
        await ForEachChildAsync(
            reader,
            async () =>
            {
                if (href is null && Is(reader, Dav, "href"))
                {
                    href = Trimmed(await ReadTextAsync(reader, MaxHrefLength));
                }
                else
                {
                    await reader.SkipAsync();
                }
            }
        );
        return href;
    }

    /// <summary>
    /// Calls <paramref name="onChild"/> for each child element of the element the reader is on (which must move the
    /// reader past that child), then moves past the element's end.
    /// </summary>
    private static async Task ForEachChildAsync(XmlReader reader, Func<Task> onChild)
    {
        if (reader.IsEmptyElement)
        {
            await reader.ReadAsync();
            return;
        }

        var depth = reader.Depth;
        await reader.ReadAsync();
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType == XmlNodeType.Element && reader.Depth == depth + 1)
            {
                await onChild();
            }
            else
            {
                await reader.ReadAsync();
            }
        }

        await reader.ReadAsync();
    }

    /// <summary>Calls <paramref name="onElement"/> (which may read attributes only) for every element inside the current one, then moves
    /// past its end.</summary>
    private static async Task ForEachDescendantAsync(XmlReader reader, Action onElement)
    {
        if (reader.IsEmptyElement)
        {
            await reader.ReadAsync();
            return;
        }

        var depth = reader.Depth;
        while (await reader.ReadAsync() && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                onElement();
            }
        }

        await reader.ReadAsync();
    }

    /// <summary>The text inside the current element (nested markup skipped), at most <paramref name="max"/> characters kept; moves past its
    /// end.</summary>
    private static async Task<string> ReadTextAsync(XmlReader reader, int max)
    {
        if (reader.IsEmptyElement)
        {
            await reader.ReadAsync();
            return "";
        }

        var text = new System.Text.StringBuilder();
        var chunk = new char[Math.Min(max, 1024)];
        var depth = reader.Depth;
        while (await reader.ReadAsync() && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            // In chunks, keeping at most max characters: a hostile server's megabyte of text is read past, never held.
            while (
                reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace
                && await reader.ReadValueChunkAsync(chunk, 0, chunk.Length) is > 0 and var read
            )
            {
                text.Append(chunk, 0, Math.Min(read, max - text.Length));
            }
        }

        await reader.ReadAsync();
        return text.ToString();
    }

    private static bool Is(XmlReader reader, string ns, string localName) => reader.LocalName == localName && reader.NamespaceURI == ns;

    private static string? Trimmed(string value) => value.Trim() is { Length: > 0 } trimmed ? trimmed : null;

    /// <summary>The code of an HTTP status line (<c>HTTP/1.1 404 Not Found</c>).</summary>
    private static int? StatusOf(string line)
    {
        var parts = line.Trim().Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : null;
    }

    /// <summary>
    /// The text content of the element the reader is on (a <c>calendar-data</c>), read in chunks straight from the XML
    /// reader's buffer, so one object's data is never copied into a string. Stops on the element's end tag.
    /// </summary>
    private sealed class XmlContentTextReader(XmlReader reader) : TextReader
    {
        private readonly int depth = reader.Depth;
        private bool started;
        private bool done;
        private char[]? scratch;

        public override int Read(char[] buffer, int index, int count) => throw new NotSupportedException("Read asynchronously.");

        public override Task<int> ReadAsync(char[] buffer, int index, int count) => ReadAsync(buffer.AsMemory(index, count)).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.IsEmpty)
            {
                return 0;
            }

            while (!done)
            {
                if (!started)
                {
                    started = true;
                    await reader.ReadAsync();
                    continue;
                }

                switch (reader.NodeType)
                {
                    case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                        var read = await ReadChunkAsync(buffer);
                        if (read > 0)
                        {
                            return read;
                        }

                        await reader.ReadAsync(); // this text node is used up
                        break;
                    case XmlNodeType.EndElement when reader.Depth == depth:
                        done = true;
                        break;
                    case XmlNodeType.Element:
                        await reader.SkipAsync(); // markup inside calendar data is not iCalendar text
                        break;
                    case XmlNodeType.None:
                        done = true; // the document ended early: the XML reader reports it
                        break;
                    default:
                        await reader.ReadAsync();
                        break;
                }
            }

            return 0;
        }

        /// <summary>Reads whatever the data reader left unread, up to the end tag.</summary>
        public async Task DrainAsync()
        {
            var sink = new char[4096];
            while (await ReadAsync(sink) > 0) { }
        }

        private async Task<int> ReadChunkAsync(Memory<char> buffer)
        {
            if (MemoryMarshal.TryGetArray<char>(buffer, out var segment))
            {
                return await reader.ReadValueChunkAsync(segment.Array!, segment.Offset, segment.Count);
            }

            scratch ??= new char[4096];
            var read = await reader.ReadValueChunkAsync(scratch, 0, Math.Min(scratch.Length, buffer.Length));
            scratch.AsSpan(0, read).CopyTo(buffer.Span);
            return read;
        }
    }
}

using System.Text;

namespace Cal.Infrastructure.Calendars.IcsFeeds;

/// <summary>Passes a feed through while keeping a copy of its text, up to a limit (past it, no copy: <see cref="Text"/> is null).</summary>
internal sealed class TeeTextReader(TextReader inner, int maxCharacters) : TextReader
{
    private StringBuilder? copy = new();

    public string? Text => copy?.ToString();

    public override int Peek() => inner.Peek();

    public override int Read()
    {
        var c = inner.Read();
        if (c >= 0)
        {
            Keep([(char)c]);
        }

        return c;
    }

    public override int Read(Span<char> buffer)
    {
        var read = inner.Read(buffer);
        Keep(buffer[..read]);
        return read;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override async ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Keep(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(char[] buffer, int index, int count) => ReadAsync(buffer.AsMemory(index, count)).AsTask();

    private void Keep(ReadOnlySpan<char> text)
    {
        if (copy is null)
        {
            return;
        }

        if (copy.Length + text.Length > maxCharacters)
        {
            copy = null; // too large to share: the other instances fetch it themselves
            return;
        }

        copy.Append(text);
    }
}

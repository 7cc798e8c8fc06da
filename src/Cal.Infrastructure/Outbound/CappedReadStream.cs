namespace Cal.Infrastructure.Outbound;

/// <summary>
/// A read-only view of a response body that fails once more than <c>limit</c> bytes have been read. It
/// wraps the decompressed stream, so a gzip bomb is stopped at the cap however small it was on the wire. Each read is
/// also offered to <paramref name="charge"/> (the user's byte budget), which may refuse it. Every read also observes
/// <paramref name="deadline"/> (the call's), whatever token its reader passes: an XML reader passes none, and a server
/// that sends one byte a second must still be cut off when the call's time is up.
/// </summary>
internal sealed class CappedReadStream(Stream inner, long limit, Func<int, bool>? charge = null, CancellationToken deadline = default)
    : Stream
{
    private long total;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => total;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!deadline.CanBeCanceled || deadline == cancellationToken)
        {
            return Count(await inner.ReadAsync(buffer, cancellationToken));
        }

        if (!cancellationToken.CanBeCanceled)
        {
            return Count(await inner.ReadAsync(buffer, deadline));
        }

        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline);
        return Count(await inner.ReadAsync(buffer, both.Token));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() { }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int read)
    {
        total += read;
        Cal.Application.Common.Telemetry.CalMetrics.FeedBytes.Add(read);
        if (total > limit)
        {
            throw new FeedTooLargeException(limit);
        }

        return charge is null || charge(read) ? read : throw new FetchBudgetExceededException();
    }
}

/// <summary>Thrown out of the body reader when a feed passes the byte cap; the fetcher turns it into <c>too_large</c>.</summary>
internal sealed class FeedTooLargeException(long limit) : IOException($"The feed is larger than {limit} bytes.");

/// <summary>Thrown out of the body reader when the user's per-minute byte budget is spent; the fetcher turns it into
/// <c>rate_limited</c>.</summary>
internal sealed class FetchBudgetExceededException() : IOException("The per-minute fetch byte budget is spent.");

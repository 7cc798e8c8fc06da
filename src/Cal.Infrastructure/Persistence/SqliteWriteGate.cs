using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Cal.Infrastructure.Persistence;

/// <summary>
/// SQLite has one write lock per database, and a writer that finds it taken sleeps and tries again (Microsoft.Data.Sqlite
/// sleeps 150 ms per try; SQLite's own busy handler, <c>busy_timeout</c>, up to 100 ms), so concurrent writers of one
/// process queue by sleeping, unfairly. The hot writers (bookings, reservations, the outbox) pass this gate instead: one at
/// a time, first come first served, with no sleeping. Other databases lock per row or per host and skip it.
/// </summary>
internal sealed class SqliteWriteGate : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>Holds the gate until disposed (nothing to hold for other providers).</summary>
    public async ValueTask<IAsyncDisposable?> EnterAsync(CalDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return null;
        }

        await gate.WaitAsync(cancellationToken);
        return new Held(gate);
    }

    /// <summary>A transaction begun inside the gate, which it leaves as the transaction ends.</summary>
    public async Task<IDbContextTransaction> BeginTransactionAsync(CalDbContext db, CancellationToken cancellationToken)
    {
        var held = await EnterAsync(db, cancellationToken);
        try
        {
            var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            return held is null ? transaction : new GatedTransaction(transaction, held);
        }
        catch
        {
            if (held is not null)
            {
                await held.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Runs <paramref name="write"/> inside the gate.</summary>
    public async Task<T> WriteAsync<T>(CalDbContext db, Func<Task<T>> write, CancellationToken cancellationToken)
    {
        var held = await EnterAsync(db, cancellationToken);
        try
        {
            return await write();
        }
        finally
        {
            if (held is not null)
            {
                await held.DisposeAsync();
            }
        }
    }

    public void Dispose() => gate.Dispose();

    private sealed class Held(SemaphoreSlim gate) : IAsyncDisposable
    {
        private int released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                gate.Release();
            }

            return ValueTask.CompletedTask;
        }
    }

    private sealed class GatedTransaction(IDbContextTransaction inner, IAsyncDisposable held) : IDbContextTransaction
    {
        public Guid TransactionId => inner.TransactionId;

        public void Commit() => inner.Commit();

        public Task CommitAsync(CancellationToken cancellationToken = default) => inner.CommitAsync(cancellationToken);

        public void Rollback() => inner.Rollback();

        public Task RollbackAsync(CancellationToken cancellationToken = default) => inner.RollbackAsync(cancellationToken);

        public void Dispose()
        {
            inner.Dispose();
            held.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        public async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await held.DisposeAsync();
        }
    }
}

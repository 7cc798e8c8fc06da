using Cal.Application.Common.Interfaces;

namespace Cal.Application.UnitTests.TestSupport;

/// <summary>A read-model cache that keeps nothing: every read builds (handler tests see their mocked repositories each time).</summary>
public sealed class UncachedUserCalendars : IUserCalendarsCache
{
    public int Invalidations { get; private set; }

    public async ValueTask<T> GetOrBuildAsync<T>(int userId, Func<CancellationToken, Task<T>> build, CancellationToken cancellationToken)
        where T : class => await build(cancellationToken);

    public ValueTask InvalidateAsync(int userId)
    {
        Invalidations++;
        return ValueTask.CompletedTask;
    }
}

using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Microsoft.Extensions.DependencyInjection;

namespace Cal.Application.Calendars.Common;

/// <summary>
/// What busy times and slots need to know about a user's calendars: the credentials (oldest first) and, per credential,
/// the hashes of the calendars the user deselected. Read through <see cref="Cal.Application.Common.Interfaces.IUserCalendarsCache"/>.
/// </summary>
public sealed record UserCalendars(IReadOnlyList<Credential> Credentials, IReadOnlyDictionary<int, IReadOnlySet<string>> Deselected)
{
    public Credential? Find(int credentialId) => Credentials.FirstOrDefault(c => c.Id == credentialId);

    /// <summary>The calendars of <paramref name="credential"/> a request reads: <paramref name="only"/> (or all) less the
    /// deselected.</summary>
    public CalendarSelection SelectionFor(Credential credential, IReadOnlyCollection<string>? only = null) =>
        Deselected.TryGetValue(credential.Id, out var hashes) ? new CalendarSelection(only, hashes)
        : only is null ? CalendarSelection.All
        : new CalendarSelection(only, CalendarSelection.None);
}

/// <summary>
/// Reads a user's <see cref="UserCalendars"/> through the read-model cache (the database only on a miss). The repositories,
/// and the database context under them, are resolved on a miss only: a warm read rents nothing from the request's scope.
/// </summary>
public sealed class UserCalendarsReader
{
    private readonly Func<ICredentialRepository> credentials;
    private readonly Func<ISelectedCalendarRepository> selections;
    private readonly IUserCalendarsCache cache;

    /// <summary>Resolving the repositories from <paramref name="services"/> (the request's scope) when a read misses.</summary>
    public UserCalendarsReader(IServiceProvider services, IUserCalendarsCache cache)
        : this(services.GetRequiredService<ICredentialRepository>, services.GetRequiredService<ISelectedCalendarRepository>, cache) { }

    /// <summary>Over given repositories (tests, tools).</summary>
    public UserCalendarsReader(ICredentialRepository credentials, ISelectedCalendarRepository selections, IUserCalendarsCache cache)
        : this(() => credentials, () => selections, cache) { }

    private UserCalendarsReader(
        Func<ICredentialRepository> credentials,
        Func<ISelectedCalendarRepository> selections,
        IUserCalendarsCache cache
    )
    {
        this.credentials = credentials;
        this.selections = selections;
        this.cache = cache;
    }

    public ValueTask<UserCalendars> ReadAsync(int userId, CancellationToken cancellationToken) =>
        cache.GetOrBuildAsync(
            userId,
            async token => new UserCalendars(
                await credentials().ListForUserAsync(userId, token),
                await selections().DeselectedAsync(userId, token)
            ),
            cancellationToken
        );

    /// <summary>A view of the user's calendars built from <see cref="ReadAsync"/>'s and cached with it (e.g. the calendar list).</summary>
    public ValueTask<T> ViewAsync<T>(int userId, Func<UserCalendars, CancellationToken, Task<T>> build, CancellationToken cancellationToken)
        where T : class =>
        cache.GetOrBuildAsync(userId, async token => await build(await ReadAsync(userId, token), token), cancellationToken);
}

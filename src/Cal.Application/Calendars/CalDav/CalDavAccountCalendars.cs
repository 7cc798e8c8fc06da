using System.Collections.Concurrent;
using Cal.Application.Calendars.CalDav.Common;
using Cal.Application.Calendars.Common;
using Cal.Application.Common;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cal.Application.Calendars.CalDav;

/// <summary>
/// A CalDAV account's calendars as its server has them now, within <see cref="CalDavOptions.TimeToLive"/>: the calendar
/// home (kept in the credential) is listed again at most once per time to live when the account's calendars are listed or
/// selected. A calendar created on the server since is then listed and selectable; one removed is gone, and with it its
/// deselection and, where it was one, the user's destination calendar. What changed is written back to the credential, so
/// every instance and every later start sees it. A home that cannot be listed now leaves the calendars as they were.
/// </summary>
public sealed partial class CalDavAccountCalendars(
    ICalDavClient client,
    ISecretProtector protector,
    IServiceScopeFactory scopes,
    IOptions<CalDavOptions> options,
    TimeProvider time,
    ILogger<CalDavAccountCalendars> logger
)
{
    private readonly ConcurrentDictionary<int, Listed> listed = new();
    private readonly CoalescedBuilds<(int CredentialId, string Key), IReadOnlyList<CalDavCalendar>> flights = new();

    /// <summary>How long a listing of an account's calendars is trusted.</summary>
    public TimeSpan TimeToLive => options.Value.TimeToLive;

    /// <summary>The account's calendars, listing its home again when the last listing is older than the time to live.</summary>
    public Task<IReadOnlyList<CalDavCalendar>> CurrentAsync(
        Credential credential,
        CalDavSettings settings,
        CancellationToken cancellationToken
    )
    {
        if (
            listed.TryGetValue(credential.Id, out var known)
            && known.Matches(credential)
            && time.GetUtcNow() - known.CheckedAt < options.Value.TimeToLive
        )
        {
            return Task.FromResult(known.Calendars);
        }

        return flights.ShareAsync((credential.Id, credential.ProtectedKey), () => RevalidateAsync(credential, settings), cancellationToken);
    }

    /// <summary>Lists the home now, whatever the time to live (a calendar of the account could not be read: is it still there?).</summary>
    public Task<IReadOnlyList<CalDavCalendar>> RevalidateNowAsync(
        Credential credential,
        CalDavSettings settings,
        CancellationToken cancellationToken
    )
    {
        listed.TryRemove(credential.Id, out _);
        return CurrentAsync(credential, settings, cancellationToken);
    }

    private async Task<IReadOnlyList<CalDavCalendar>> RevalidateAsync(Credential credential, CalDavSettings settings)
    {
        var checkedAt = time.GetUtcNow();
        var (found, home) = await ListAsync(credential, settings);
        if (found is null)
        {
            LogUnlisted(logger, credential.Id);
            listed[credential.Id] = new Listed(credential.UserId, credential.ProtectedKey, null, settings.Calendars, checkedAt);
            return settings.Calendars;
        }

        var same =
            found.Count == settings.Calendars.Count
            && found.Zip(settings.Calendars).All(p => p.First == p.Second)
            && home == settings.HomeUrl;
        if (same)
        {
            listed[credential.Id] = new Listed(credential.UserId, credential.ProtectedKey, null, settings.Calendars, checkedAt);
            return settings.Calendars;
        }

        var protectedKey = protector.Protect(CalDavSecret.Serialize(settings with { Calendars = found, HomeUrl = home }));
        if (!await KeepAsync(credential, protectedKey, found))
        {
            return found; // disconnected meanwhile: nothing to keep
        }

        LogChanged(logger, credential.Id, settings.Calendars.Count, found.Count);
        listed[credential.Id] = new Listed(credential.UserId, credential.ProtectedKey, protectedKey, found, checkedAt);
        return found;
    }

    /// <summary>The account's calendars as its server lists them now, and its home; null calendars when it could not say.</summary>
    private async Task<(IReadOnlyList<CalDavCalendar>? Found, string? Home)> ListAsync(Credential credential, CalDavSettings settings)
    {
        var account = settings.Account;
        if (settings.HomeUrl is { } home)
        {
            return ((await client.ListCalendarsAsync(account, home, credential.UserId, CancellationToken.None)).Value, home);
        }

        if (
            settings.Calendars.Count != 1
            || !string.Equals(settings.Calendars[0].Url, account.ServerUrl.AbsoluteUri, StringComparison.Ordinal)
        )
        {
            // Added by an earlier version, which did not keep the home: discovered again (one time), home and all.
            var discovered = await client.DiscoverAsync(account, credential.UserId, CancellationToken.None);
            return (discovered.Value?.Calendars, discovered.Value?.HomeUrl);
        }

        return (settings.Calendars, null); // added by a calendar's own URL: that calendar is the account
    }

    /// <summary>
    /// Writes the new listing into the credential, forgets selections of calendars that are gone, lets the removal handlers
    /// clean up (a destination calendar that is gone) and drops the user's read model. False: the credential was disconnected.
    /// </summary>
    private async Task<bool> KeepAsync(Credential credential, string protectedKey, IReadOnlyList<CalDavCalendar> found)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        if (
            !await services
                .GetRequiredService<ICredentialRepository>()
                .UpdateKeyAsync(credential.UserId, credential.Id, protectedKey, CancellationToken.None)
        )
        {
            return false;
        }

        var kept = found.Select(c => CalendarSelection.Hash(c.Url)).ToList();
        await services.GetRequiredService<ISelectedCalendarRepository>().ForgetAllButAsync(credential.Id, kept, CancellationToken.None);
        var urls = found.Select(c => c.Url).ToList();
        foreach (var cleanup in services.GetServices<ICalendarsRemovedHandler>())
        {
            await cleanup.CalendarsRemovedAsync(credential.UserId, credential.Id, urls, CancellationToken.None);
        }

        await services.GetRequiredService<IUserCalendarsCache>().InvalidateAsync(credential.UserId);
        return true;
    }

    /// <summary>A listing, and the credential it was made for (before and after it was written back).</summary>
    private sealed record Listed(
        int UserId,
        string BasedOn,
        string? Wrote,
        IReadOnlyList<CalDavCalendar> Calendars,
        DateTimeOffset CheckedAt
    )
    {
        public bool Matches(Credential credential) =>
            credential.UserId == UserId && (credential.ProtectedKey == BasedOn || credential.ProtectedKey == Wrote);
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "CalDAV credential {CredentialId}: its calendar home could not be listed now; its calendars stay as they were"
    )]
    private static partial void LogUnlisted(ILogger logger, int credentialId);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "CalDAV credential {CredentialId}: the server's calendars changed ({Before} -> {After}); kept"
    )]
    private static partial void LogChanged(ILogger logger, int credentialId, int before, int after);
}

/// <summary>What else must follow when a credential's calendars are gone from its server (e.g. a destination calendar among
/// them).</summary>
public interface ICalendarsRemovedHandler
{
    /// <summary>The credential now holds only <paramref name="remainingExternalIds"/>.</summary>
    Task CalendarsRemovedAsync(
        int userId,
        int credentialId,
        IReadOnlyList<string> remainingExternalIds,
        CancellationToken cancellationToken
    );
}

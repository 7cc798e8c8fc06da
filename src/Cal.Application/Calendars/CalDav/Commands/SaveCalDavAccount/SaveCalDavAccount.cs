using AutoMapper;
using Cal.Application.Calendars.CalDav.Common;
using Cal.Application.Calendars.Common;
using Cal.Application.Calendars.IcsFeeds.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Mediator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cal.Application.Calendars.CalDav.Commands.SaveCalDavAccount;

/// <summary>
/// cal.com's <c>POST /v2/calendars/{calendar}/credentials</c> for <c>apple</c> and <c>caldav</c>: discover the account's
/// calendars, then store the account (its password only inside the protected key). The same username on the same
/// server again updates the password (and the calendars) and keeps the credential's id.
/// </summary>
public sealed record SaveCalDavAccountCommand(int UserId, string Calendar, string? Url, string? Username, string? Password)
    : ICommand<CalendarCredentialDto>,
        IValidated,
        IChangesUserCalendars
{
    /// <summary>Never the password.</summary>
    public override string ToString() => $"SaveCalDavAccountCommand {{ UserId = {UserId}, Calendar = {Calendar} }}";
}

public sealed partial class SaveCalDavAccountCommandHandler(
    ICalDavClient client,
    ISecretProtector protector,
    ICredentialRepository credentials,
    IMapper mapper,
    IAccountKeys accountKeys,
    ICalDavWarmUp warmUp,
    IOptions<AppleCalendarOptions> apple,
    IOptions<CalDavOptions> calDav,
    IOptions<IcsFeedSaveOptions> limits,
    TimeProvider time,
    ILogger<SaveCalDavAccountCommandHandler> logger
) : ICommandHandler<SaveCalDavAccountCommand, CalendarCredentialDto>
{
    public async ValueTask<CalendarCredentialDto> Handle(SaveCalDavAccountCommand command, CancellationToken cancellationToken)
    {
        // The validation behaviour has refused a missing username, password or (for caldav) URL.
        var isApple = CalendarApps.TypeOfRoute(command.Calendar) == CalendarApps.Apple.Type;
        var server = isApple ? apple.Value.ServerUrl : IcsFeedUrl.Create(command.Url!).FetchUri;
        var account = new CalDavAccount(server, command.Username!.Trim(), command.Password!);
        var (type, appId) = isApple
            ? (CalendarApps.Apple.Type, CalendarApps.Apple.AppId)
            : (CalendarApps.CalDav.Type, CalendarApps.CalDav.AppId);
        var accountKey = await accountKeys.KeyOfAsync(CalDavSecret.AccountIdentity(server, account.Username), cancellationToken);
        await CheckAccountLimitAsync(command.UserId, accountKey, cancellationToken);

        using var deadline = new CancellationTokenSource(limits.Value.SaveTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var discovered = await client.DiscoverAsync(account, command.UserId, linked.Token);
        cancellationToken.ThrowIfCancellationRequested();
        if (discovered.Failure is { } failure)
        {
            var reason = FeedFailure.WireName(failure.Reason);
            LogRefused(logger, command.UserId, server.Host, reason);
            throw new BadRequestException(
                $"Could not add this {command.Calendar.ToLowerInvariant()} calendar account: {reason}. {failure.Message}",
                new
                {
                    reason,
                    message = failure.Message,
                    status = failure.HttpStatus,
                }
            );
        }

        var settings = new CalDavSettings(
            server.AbsoluteUri,
            account.Username,
            account.Password,
            discovered.Value!.Calendars,
            discovered.Value.HomeUrl
        );
        var credential = await credentials.SaveAsync(
            command.UserId,
            type,
            appId,
            accountKey,
            protector.Protect(CalDavSecret.Serialize(settings)),
            cancellationToken
        );

        LogSaved(logger, credential.Id, command.UserId, type, server.Host, settings.Calendars.Count);
        if (calDav.Value.WarmUpOnSave)
        {
            warmUp.Enqueue([.. settings.Calendars.Select(c => new CalDavCalendarRef(credential.Id, command.UserId, account, c.Url))]);
        }
        return mapper.Map<CalendarCredentialDto>(credential);
    }

    /// <summary>A new account past <see cref="CalDavOptions.MaxAccountsPerUser"/> is refused; the same account again is an
    /// update.</summary>
    private async Task CheckAccountLimitAsync(int userId, string accountKey, CancellationToken cancellationToken)
    {
        var accounts = (await credentials.ListForUserAsync(userId, cancellationToken))
            .Where(c => c.Type is CalendarApps.Apple.Type or CalendarApps.CalDav.Type)
            .ToList();
        var max = calDav.Value.MaxAccountsPerUser;
        if (accounts.Count >= max && !accounts.Any(c => c.Account == accountKey))
        {
            throw new BadRequestException(
                $"Could not add this calendar account: a user may connect at most {max} CalDAV and Apple accounts "
                    + "(CalDav:MaxAccountsPerUser). Disconnect one first.",
                new { reason = "too_many_accounts", max }
            );
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "CalDAV account for user {UserId} on {Host} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, int userId, string host, string reason);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Saved {Type} credential {CredentialId} for user {UserId} on {Host}: {CalendarCount} calendars"
    )]
    private static partial void LogSaved(ILogger logger, int credentialId, int userId, string type, string host, int calendarCount);
}

using AutoMapper;
using Cal.Application.Calendars.IcsFeeds.Common;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Mediator;

namespace Cal.Application.Calendars.IcsFeeds.Commands.DisconnectIcsFeed;

/// <summary>cal.com's <c>POST /v2/calendars/ics-feed/disconnect</c>: delete the caller's credential and its secret.</summary>
public sealed record DisconnectIcsFeedCommand(int UserId, int? CredentialId) : ICommand<IcsFeedCredentialDto>;

public sealed class DisconnectIcsFeedCommandHandler(ICredentialRepository credentials, IMapper mapper)
    : ICommandHandler<DisconnectIcsFeedCommand, IcsFeedCredentialDto>
{
    public async ValueTask<IcsFeedCredentialDto> Handle(DisconnectIcsFeedCommand command, CancellationToken cancellationToken)
    {
        // Another user's id and an unknown id get the same answer, so ids of other users cannot be probed.
        var credential = await credentials.FindForUserAsync(command.UserId, command.CredentialId!.Value, cancellationToken);
        if (credential is null || credential.Type != CalendarApps.IcsFeed.Type
            || !await credentials.DeleteForUserAsync(command.UserId, credential.Id, cancellationToken))
        {
            throw new NotFoundException($"Credential {command.CredentialId} not found.");
        }

        return mapper.Map<IcsFeedCredentialDto>(credential);
    }
}

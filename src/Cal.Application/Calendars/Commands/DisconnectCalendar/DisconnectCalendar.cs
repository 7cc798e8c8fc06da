using AutoMapper;
using Cal.Application.Calendars.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Mediator;

namespace Cal.Application.Calendars.Commands.DisconnectCalendar;

/// <summary>
/// cal.com's <c>POST /v2/calendars/{calendar}/disconnect</c> (<c>ics-feed</c>, <c>apple</c>, <c>caldav</c>): delete the
/// caller's credential of that calendar app, and its secret.
/// </summary>
public sealed record DisconnectCalendarCommand(int UserId, string Calendar, int? CredentialId)
    : ICommand<CalendarCredentialDto>,
        IValidated,
        IChangesUserCalendars;

public sealed class DisconnectCalendarCommandHandler(ICredentialRepository credentials, IMapper mapper)
    : ICommandHandler<DisconnectCalendarCommand, CalendarCredentialDto>
{
    public async ValueTask<CalendarCredentialDto> Handle(DisconnectCalendarCommand command, CancellationToken cancellationToken)
    {
        // Another user's id, an unknown id and another app's credential get the same answer, so ids cannot be probed.
        var credential = await credentials.FindForUserAsync(command.UserId, command.CredentialId!.Value, cancellationToken);
        if (
            credential is null
            || credential.Type != CalendarApps.TypeOfRoute(command.Calendar)
            || !await credentials.DeleteForUserAsync(command.UserId, credential.Id, cancellationToken)
        )
        {
            throw new NotFoundException($"Credential {command.CredentialId} not found.");
        }

        return mapper.Map<CalendarCredentialDto>(credential);
    }
}

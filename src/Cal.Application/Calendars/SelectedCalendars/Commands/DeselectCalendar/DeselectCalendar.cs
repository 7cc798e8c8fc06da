using Cal.Application.Calendars.Common;
using Cal.Application.Calendars.SelectedCalendars.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Mediator;

namespace Cal.Application.Calendars.SelectedCalendars.Commands.DeselectCalendar;

/// <summary>cal.com's <c>DELETE /v2/selected-calendars</c>: the calendar stops counting; <c>404</c> when it was not selected.</summary>
public sealed record DeselectCalendarCommand(int UserId, string? Integration, string? ExternalId, int? CredentialId)
    : ICommand<SelectedCalendarDto>,
        ISelectionChange,
        IValidated,
        IChangesUserCalendars;

public sealed class DeselectCalendarCommandHandler(
    ICredentialRepository credentials,
    ISelectedCalendarRepository selections,
    CalendarProviders providers
) : ICommandHandler<DeselectCalendarCommand, SelectedCalendarDto>
{
    public async ValueTask<SelectedCalendarDto> Handle(DeselectCalendarCommand command, CancellationToken cancellationToken)
    {
        var credential = await credentials.HeldCalendarAsync(providers, command, cancellationToken);
        var hash = CalendarSelection.Hash(command.ExternalId!);
        if (!await selections.DeselectAsync(command.UserId, credential.Id, credential.Type, hash, cancellationToken))
        {
            throw new NotFoundException("Selected calendar not found.");
        }

        return new SelectedCalendarDto(command.UserId, credential.Type, command.ExternalId!, credential.Id);
    }
}

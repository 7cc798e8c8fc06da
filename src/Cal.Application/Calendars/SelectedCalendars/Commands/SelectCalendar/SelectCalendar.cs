using Cal.Application.Calendars.Common;
using Cal.Application.Calendars.SelectedCalendars.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Interfaces;
using Mediator;

namespace Cal.Application.Calendars.SelectedCalendars.Commands.SelectCalendar;

/// <summary>
/// cal.com's <c>POST /v2/selected-calendars</c>: the calendar counts for busy times again (every calendar starts
/// selected; repeating it is idempotent). The credential must be the caller's and hold that calendar, else <c>404</c>.
/// </summary>
public sealed record SelectCalendarCommand(int UserId, string? Integration, string? ExternalId, int? CredentialId)
    : ICommand<SelectedCalendarDto>,
        ISelectionChange,
        IValidated,
        IChangesUserCalendars;

public sealed class SelectCalendarCommandHandler(
    ICredentialRepository credentials,
    ISelectedCalendarRepository selections,
    CalendarProviders providers
) : ICommandHandler<SelectCalendarCommand, SelectedCalendarDto>
{
    public async ValueTask<SelectedCalendarDto> Handle(SelectCalendarCommand command, CancellationToken cancellationToken)
    {
        var credential = await credentials.HeldCalendarAsync(providers, command, cancellationToken);
        await selections.SelectAsync(credential.Id, CalendarSelection.Hash(command.ExternalId!), cancellationToken);
        return new SelectedCalendarDto(command.UserId, credential.Type, command.ExternalId!, credential.Id);
    }
}

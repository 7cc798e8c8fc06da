using AutoMapper;
using Cal.Application.Calendars.CalDav;
using Cal.Application.Calendars.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using Cal.Application.DestinationCalendars.Common;
using Cal.Domain.Bookings;
using Cal.Domain.Calendars;
using FluentValidation;
using Mediator;

namespace Cal.Application.DestinationCalendars.Commands.SetDestinationCalendar;

/// <summary>
/// cal.com's <c>PUT /v2/destination-calendars</c>: where the caller's bookings are written. It must be one of the caller's
/// connected calendars that can be written (a CalDAV or Apple calendar with <c>readOnly: false</c>; ICS feeds cannot).
/// </summary>
public sealed record SetDestinationCalendarCommand(int UserId, string? Integration, string? ExternalId)
    : ICommand<DestinationCalendarSetDto>,
        IValidated,
        IChangesUserCalendars;

public sealed class SetDestinationCalendarCommandHandler(
    UserCalendarsReader calendars,
    CalendarProviders providers,
    IDestinationCalendarStore destinations,
    IMapper mapper
) : ICommandHandler<SetDestinationCalendarCommand, DestinationCalendarSetDto>
{
    public async ValueTask<DestinationCalendarSetDto> Handle(SetDestinationCalendarCommand command, CancellationToken cancellationToken)
    {
        var user = await calendars.ReadAsync(command.UserId, cancellationToken);
        foreach (var credential in user.Credentials.Where(c => c.Type == command.Integration))
        {
            if (providers.For(credential.Type) is not IWritableCalendarProvider provider)
            {
                continue;
            }

            var found = (await provider.ListCalendarsAsync(credential, cancellationToken)).FirstOrDefault(c =>
                c.ExternalId == command.ExternalId && !c.ReadOnly
            );
            if (found is not null)
            {
                var set = await destinations.SetAsync(
                    DestinationCalendar.Of(command.UserId, credential.Type, found.ExternalId, credential.Id),
                    cancellationToken
                );
                return mapper.Map<DestinationCalendarSetDto>(set);
            }
        }

        throw new NotFoundException($"Could not find calendar {command.ExternalId}");
    }
}

public sealed class SetDestinationCalendarCommandValidator : AbstractValidator<SetDestinationCalendarCommand>
{
    public SetDestinationCalendarCommandValidator()
    {
        RuleFor(c => c.Integration)
            .NotEmpty()
            .Must(i => i is CalendarApps.Apple.Type or CalendarApps.CalDav.Type or CalendarApps.IcsFeed.Type)
            .WithMessage("must be apple_calendar or caldav_calendar")
            .OverridePropertyName("integration");
        RuleFor(c => c.ExternalId).NotEmpty().MaximumLength(2048).OverridePropertyName("externalId");
    }
}

/// <summary>A destination calendar gone from its server is no longer one (its account's calendars were revalidated).</summary>
public sealed class ClearRemovedDestination(IDestinationCalendarStore destinations) : ICalendarsRemovedHandler
{
    public Task CalendarsRemovedAsync(
        int userId,
        int credentialId,
        IReadOnlyList<string> remainingExternalIds,
        CancellationToken cancellationToken
    ) => destinations.ClearUnlessAsync(userId, credentialId, remainingExternalIds, cancellationToken);
}

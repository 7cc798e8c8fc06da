using Cal.Application.Common;
using FluentValidation;

namespace Cal.Application.Calendars.Queries.GetBusyTimes;

/// <summary>Reports what parsing the window found (<see cref="Common.BusyWindowInput"/>), and checks the calendars asked for.</summary>
public sealed class GetBusyTimesQueryValidator : AbstractValidator<GetBusyTimesQuery>
{
    public GetBusyTimesQueryValidator()
    {
        RuleFor(q => q.Window).ReportsItsProblems();

        // Most requests name no calendars: the collection rule (which allocates as it starts) only when some are named.
        When(
            q => q.CalendarsToLoad.Count > 0,
            () =>
                RuleForEach(q => q.CalendarsToLoad)
                    .Must(c => c.CredentialId is > 0)
                    .WithMessage("credentialId is required and must be a positive integer")
                    .OverridePropertyName("calendarsToLoad")
        );
    }
}

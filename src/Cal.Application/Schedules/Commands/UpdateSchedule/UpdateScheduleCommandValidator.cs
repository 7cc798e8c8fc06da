using Cal.Application.Schedules.Common;
using FluentValidation;

namespace Cal.Application.Schedules.Commands.UpdateSchedule;

public sealed class UpdateScheduleCommandValidator : AbstractValidator<UpdateScheduleCommand>
{
    public UpdateScheduleCommandValidator() => ScheduleRules.Apply(this, creating: false);
}

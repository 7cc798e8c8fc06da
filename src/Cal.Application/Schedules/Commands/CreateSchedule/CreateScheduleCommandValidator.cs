using Cal.Application.Schedules.Common;
using FluentValidation;

namespace Cal.Application.Schedules.Commands.CreateSchedule;

public sealed class CreateScheduleCommandValidator : AbstractValidator<CreateScheduleCommand>
{
    public CreateScheduleCommandValidator() => ScheduleRules.Apply(this, creating: true);
}

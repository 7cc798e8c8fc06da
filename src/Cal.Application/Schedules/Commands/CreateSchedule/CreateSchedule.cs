using AutoMapper;
using Cal.Application.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Interfaces;
using Cal.Application.Schedules.Common;
using Cal.Domain.Schedules;
using Mediator;

namespace Cal.Application.Schedules.Commands.CreateSchedule;

/// <summary>cal.com's <c>POST /v2/schedules</c> (2024-06-11): without <c>availability</c>, Monday to Friday 09:00-17:00.</summary>
public sealed record CreateScheduleCommand(
    int UserId,
    string? Name,
    TimeZoneInput? TimeZone,
    bool? IsDefault,
    AvailabilityInput? Availability,
    OverridesInput? Overrides
) : ICommand<ScheduleDto>, IValidated, IScheduleFields;

public sealed class CreateScheduleCommandHandler(IScheduleRepository schedules, IMapper mapper)
    : ICommandHandler<CreateScheduleCommand, ScheduleDto>
{
    public async ValueTask<ScheduleDto> Handle(CreateScheduleCommand command, CancellationToken cancellationToken)
    {
        var schedule = Schedule.Create(
            command.UserId,
            command.Name!,
            command.TimeZone!.Valid.Id,
            command.Availability?.Valid,
            command.Overrides?.Valid
        );
        await schedules.AddAsync(schedule, command.IsDefault == true, cancellationToken);
        return mapper.Map<ScheduleDto>((await schedules.FindAsync(schedule.Id, cancellationToken))!);
    }
}

using AutoMapper;
using Cal.Application.Common;
using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Interfaces;
using Cal.Application.Schedules.Common;
using Mediator;

namespace Cal.Application.Schedules.Commands.UpdateSchedule;

/// <summary>cal.com's <c>PATCH /v2/schedules/{id}</c>: any field; what is absent stays.</summary>
public sealed record UpdateScheduleCommand(
    int UserId,
    int ScheduleId,
    string? Name,
    TimeZoneInput? TimeZone,
    bool? IsDefault,
    AvailabilityInput? Availability,
    OverridesInput? Overrides
) : ICommand<ScheduleDto>, IValidated, IScheduleFields;

public sealed class UpdateScheduleCommandHandler(IScheduleRepository schedules, IMapper mapper)
    : ICommandHandler<UpdateScheduleCommand, ScheduleDto>
{
    public async ValueTask<ScheduleDto> Handle(UpdateScheduleCommand command, CancellationToken cancellationToken)
    {
        var schedule = await schedules.FindOwnedAsync(command.UserId, command.ScheduleId, cancellationToken);
        schedule.Change(command.Name, command.TimeZone?.Valid.Id, command.Availability?.Valid, command.Overrides?.Valid);
        await schedules.UpdateAsync(schedule, command.IsDefault == true, cancellationToken);
        return mapper.Map<ScheduleDto>((await schedules.FindAsync(schedule.Id, cancellationToken))!);
    }
}

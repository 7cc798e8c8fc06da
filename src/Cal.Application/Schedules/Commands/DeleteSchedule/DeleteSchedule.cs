using AutoMapper;
using Cal.Application.Common.Interfaces;
using Cal.Application.Schedules.Common;
using Mediator;

namespace Cal.Application.Schedules.Commands.DeleteSchedule;

/// <summary>cal.com's <c>DELETE /v2/schedules/{id}</c>.</summary>
public sealed record DeleteScheduleCommand(int UserId, int ScheduleId) : ICommand<ScheduleDto>;

public sealed class DeleteScheduleCommandHandler(IScheduleRepository schedules, IMapper mapper)
    : ICommandHandler<DeleteScheduleCommand, ScheduleDto>
{
    public async ValueTask<ScheduleDto> Handle(DeleteScheduleCommand command, CancellationToken cancellationToken)
    {
        var schedule = await schedules.FindOwnedAsync(command.UserId, command.ScheduleId, cancellationToken);
        await schedules.DeleteAsync(schedule, cancellationToken);
        return mapper.Map<ScheduleDto>(schedule);
    }
}

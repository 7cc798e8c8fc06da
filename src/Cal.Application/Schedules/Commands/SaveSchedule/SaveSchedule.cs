using Cal.Application.Common.Interfaces;
using Cal.Application.Schedules.Common;
using Cal.Application.Users.Commands.CreateUser;
using Cal.Domain.Schedules;
using FluentValidation;
using Mediator;
using Cal.Application.Common.Behaviours;

namespace Cal.Application.Schedules.Commands.SaveSchedule;

/// <summary>cal.com's <c>POST /v2/schedules</c> (2024-06-11): without <c>availability</c>, Monday to Friday 09:00-17:00.</summary>
public sealed record CreateScheduleCommand(int UserId, string? Name, string? TimeZone, bool? IsDefault, IReadOnlyList<AvailabilityDto>? Availability, IReadOnlyList<OverrideDto>? Overrides)
    : ICommand<ScheduleDto>, IValidated, IScheduleFields;

/// <summary>cal.com's <c>PATCH /v2/schedules/{id}</c>: any field; what is absent stays.</summary>
public sealed record UpdateScheduleCommand(int UserId, int ScheduleId, string? Name, string? TimeZone, bool? IsDefault, IReadOnlyList<AvailabilityDto>? Availability, IReadOnlyList<OverrideDto>? Overrides)
    : ICommand<ScheduleDto>, IValidated, IScheduleFields;

/// <summary>cal.com's <c>DELETE /v2/schedules/{id}</c>.</summary>
public sealed record DeleteScheduleCommand(int UserId, int ScheduleId) : ICommand<ScheduleDto>;

public interface IScheduleFields
{
    string? Name { get; }

    string? TimeZone { get; }

    IReadOnlyList<AvailabilityDto>? Availability { get; }

    IReadOnlyList<OverrideDto>? Overrides { get; }
}

public sealed class SaveScheduleHandlers(IScheduleRepository schedules)
    : ICommandHandler<CreateScheduleCommand, ScheduleDto>, ICommandHandler<UpdateScheduleCommand, ScheduleDto>, ICommandHandler<DeleteScheduleCommand, ScheduleDto>
{
    public async ValueTask<ScheduleDto> Handle(CreateScheduleCommand command, CancellationToken cancellationToken)
    {
        var schedule = Schedule.Create(command.UserId, command.Name!, command.TimeZone!, ScheduleInput.Availability(command.Availability), ScheduleInput.Overrides(command.Overrides));
        await schedules.AddAsync(schedule, command.IsDefault == true, cancellationToken);
        return ScheduleDto.From((await schedules.FindAsync(schedule.Id, cancellationToken))!);
    }

    public async ValueTask<ScheduleDto> Handle(UpdateScheduleCommand command, CancellationToken cancellationToken)
    {
        var schedule = await ScheduleInput.OwnedAsync(schedules, command.UserId, command.ScheduleId, cancellationToken);
        schedule.Change(command.Name, command.TimeZone, ScheduleInput.Availability(command.Availability), ScheduleInput.Overrides(command.Overrides));
        await schedules.UpdateAsync(schedule, command.IsDefault == true, cancellationToken);
        return ScheduleDto.From((await schedules.FindAsync(schedule.Id, cancellationToken))!);
    }

    public async ValueTask<ScheduleDto> Handle(DeleteScheduleCommand command, CancellationToken cancellationToken)
    {
        var schedule = await ScheduleInput.OwnedAsync(schedules, command.UserId, command.ScheduleId, cancellationToken);
        await schedules.DeleteAsync(schedule, cancellationToken);
        return ScheduleDto.From(schedule);
    }
}

internal static class ScheduleRules
{
    public static void Apply<T>(AbstractValidator<T> validator, bool creating)
        where T : IScheduleFields
    {
        if (creating)
        {
            validator.RuleFor(c => c.Name).NotEmpty().OverridePropertyName("name");
            validator.RuleFor(c => c.TimeZone).NotEmpty().OverridePropertyName("timeZone");
        }

        validator.RuleFor(c => c.Name).MaximumLength(256).OverridePropertyName("name");
        validator.RuleFor(c => c.TimeZone).Must(tz => tz is null || CreateUserCommandValidator.IsIanaTimeZone(tz))
            .WithMessage("must be an IANA time zone such as Europe/Berlin").OverridePropertyName("timeZone");
        validator.RuleFor(c => c.Availability).Custom((availability, context) =>
        {
            for (var i = 0; i < (availability?.Count ?? 0); i++)
            {
                var a = availability![i];
                if (!ScheduleInput.TryDays(a.Days, out _))
                {
                    context.AddFailure($"availability[{i}].days", "must list days by name: Monday ... Sunday");
                }

                if (!ScheduleInput.TryTime(a.StartTime, out var start) || !ScheduleInput.TryTime(a.EndTime, out var end))
                {
                    context.AddFailure($"availability[{i}]", "startTime and endTime must be HH:mm");
                }
                else if (end <= start && end != TimeOnly.MinValue)
                {
                    context.AddFailure($"availability[{i}]", "endTime must be after startTime (or 00:00, midnight)");
                }
            }
        });
        validator.RuleFor(c => c.Overrides).Custom((overrides, context) =>
        {
            for (var i = 0; i < (overrides?.Count ?? 0); i++)
            {
                var o = overrides![i];
                if (!ScheduleInput.TryDate(o.Date, out _))
                {
                    context.AddFailure($"overrides[{i}].date", "must be a date such as 2026-12-24");
                }

                if (!ScheduleInput.TryTime(o.StartTime, out var start) || !ScheduleInput.TryTime(o.EndTime, out var end))
                {
                    context.AddFailure($"overrides[{i}]", "startTime and endTime must be HH:mm");
                }
                else if (end < start && end != TimeOnly.MinValue)
                {
                    context.AddFailure($"overrides[{i}]", "endTime must be after startTime (00:00-00:00 is a day off)");
                }
            }
        });
    }
}

public sealed class CreateScheduleCommandValidator : AbstractValidator<CreateScheduleCommand>
{
    public CreateScheduleCommandValidator() => ScheduleRules.Apply(this, creating: true);
}

public sealed class UpdateScheduleCommandValidator : AbstractValidator<UpdateScheduleCommand>
{
    public UpdateScheduleCommandValidator() => ScheduleRules.Apply(this, creating: false);
}

using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.EventTypes.Common;
using Cal.Domain.EventTypes;
using FluentValidation;
using Mediator;
using Cal.Application.Common.Behaviours;

namespace Cal.Application.EventTypes.Commands.SaveEventType;

/// <summary>The fields of cal.com's event-type input that slots need (minutes).</summary>
public sealed record EventTypeFields(
    string? Title, string? Slug, int? LengthInMinutes, string? Description, int? ScheduleId,
    int? BeforeEventBuffer, int? AfterEventBuffer, int? MinimumBookingNotice, int? SlotInterval);

/// <summary>cal.com's <c>POST /v2/event-types</c> (2024-06-14): a slug taken by the same owner is <c>409</c>.</summary>
public sealed record CreateEventTypeCommand(int UserId, EventTypeFields Fields) : ICommand<EventTypeDto>, IValidated;

/// <summary>cal.com's <c>PATCH /v2/event-types/{id}</c>: what is given changes.</summary>
public sealed record UpdateEventTypeCommand(int UserId, int EventTypeId, EventTypeFields Fields) : ICommand<EventTypeDto>, IValidated;

/// <summary>cal.com's <c>DELETE /v2/event-types/{id}</c>.</summary>
public sealed record DeleteEventTypeCommand(int UserId, int EventTypeId) : ICommand<EventTypeDto>;

/// <summary>cal.com's <c>GET /v2/event-types</c> (the caller's) and <c>GET /v2/event-types/{id}</c>.</summary>
public sealed record GetEventTypesQuery(int UserId) : IQuery<IReadOnlyList<EventTypeDto>>;

public sealed record GetEventTypeQuery(int UserId, int EventTypeId) : IQuery<EventTypeDto>;

public sealed class EventTypeHandlers(IEventTypeRepository eventTypes, IScheduleRepository schedules)
    : ICommandHandler<CreateEventTypeCommand, EventTypeDto>, ICommandHandler<UpdateEventTypeCommand, EventTypeDto>, ICommandHandler<DeleteEventTypeCommand, EventTypeDto>,
      IQueryHandler<GetEventTypesQuery, IReadOnlyList<EventTypeDto>>, IQueryHandler<GetEventTypeQuery, EventTypeDto>
{
    public async ValueTask<EventTypeDto> Handle(CreateEventTypeCommand command, CancellationToken cancellationToken)
    {
        var f = command.Fields;
        await CheckScheduleAsync(command.UserId, f.ScheduleId, cancellationToken);
        var eventType = EventType.Create(command.UserId, f.Title!, f.Slug!, f.LengthInMinutes!.Value);
        eventType.Change(description: f.Description, scheduleId: f.ScheduleId, beforeEventBuffer: f.BeforeEventBuffer, afterEventBuffer: f.AfterEventBuffer, minimumBookingNotice: f.MinimumBookingNotice, slotInterval: f.SlotInterval);
        await eventTypes.AddAsync(eventType, cancellationToken);
        return EventTypeDto.From(eventType);
    }

    public async ValueTask<EventTypeDto> Handle(UpdateEventTypeCommand command, CancellationToken cancellationToken)
    {
        var f = command.Fields;
        var eventType = await EventTypeDto.OwnedAsync(eventTypes, command.UserId, command.EventTypeId, cancellationToken);
        await CheckScheduleAsync(command.UserId, f.ScheduleId, cancellationToken);
        eventType.Change(f.Title, f.Slug, f.LengthInMinutes, f.Description, f.ScheduleId, f.BeforeEventBuffer, f.AfterEventBuffer, f.MinimumBookingNotice, f.SlotInterval);
        await eventTypes.UpdateAsync(eventType, cancellationToken);
        return EventTypeDto.From(eventType);
    }

    public async ValueTask<EventTypeDto> Handle(DeleteEventTypeCommand command, CancellationToken cancellationToken)
    {
        var eventType = await EventTypeDto.OwnedAsync(eventTypes, command.UserId, command.EventTypeId, cancellationToken);
        await eventTypes.DeleteAsync(eventType.Id, cancellationToken);
        return EventTypeDto.From(eventType);
    }

    public async ValueTask<IReadOnlyList<EventTypeDto>> Handle(GetEventTypesQuery query, CancellationToken cancellationToken) =>
        (await eventTypes.ListAsync(query.UserId, cancellationToken)).Select(EventTypeDto.From).ToList();

    public async ValueTask<EventTypeDto> Handle(GetEventTypeQuery query, CancellationToken cancellationToken) =>
        EventTypeDto.From(await EventTypeDto.OwnedAsync(eventTypes, query.UserId, query.EventTypeId, cancellationToken));

    private async Task CheckScheduleAsync(int userId, int? scheduleId, CancellationToken cancellationToken)
    {
        if (scheduleId is { } id && (await schedules.FindAsync(id, cancellationToken))?.UserId != userId)
        {
            throw new NotFoundException($"Schedule with id={id} not found.");
        }
    }
}

internal static class EventTypeRules
{
    public static void Apply<T>(AbstractValidator<T> validator, Func<T, EventTypeFields> fields, bool creating)
    {
        if (creating)
        {
            validator.RuleFor(c => fields(c).Title).NotEmpty().OverridePropertyName("title");
            validator.RuleFor(c => fields(c).Slug).NotEmpty().OverridePropertyName("slug");
            validator.RuleFor(c => fields(c).LengthInMinutes).NotNull().OverridePropertyName("lengthInMinutes");
        }

        validator.RuleFor(c => fields(c).Title).MaximumLength(256).OverridePropertyName("title");
        validator.RuleFor(c => fields(c).Slug).Matches("^[a-z0-9]+(-[a-z0-9]+)*$").MaximumLength(128).When(c => fields(c).Slug is not null)
            .WithMessage("must be lower-case letters, digits and single dashes, such as 30-min").OverridePropertyName("slug");
        validator.RuleFor(c => fields(c).LengthInMinutes).InclusiveBetween(1, 1440).OverridePropertyName("lengthInMinutes");
        validator.RuleFor(c => fields(c).Description).MaximumLength(4000).OverridePropertyName("description");
        validator.RuleFor(c => fields(c).BeforeEventBuffer).InclusiveBetween(0, 1440).OverridePropertyName("beforeEventBuffer");
        validator.RuleFor(c => fields(c).AfterEventBuffer).InclusiveBetween(0, 1440).OverridePropertyName("afterEventBuffer");
        validator.RuleFor(c => fields(c).MinimumBookingNotice).InclusiveBetween(0, 525_600).OverridePropertyName("minimumBookingNotice");
        validator.RuleFor(c => fields(c).SlotInterval).InclusiveBetween(1, 1440).OverridePropertyName("slotInterval");
        validator.RuleFor(c => fields(c).ScheduleId).GreaterThan(0).OverridePropertyName("scheduleId");
    }
}

public sealed class CreateEventTypeCommandValidator : AbstractValidator<CreateEventTypeCommand>
{
    public CreateEventTypeCommandValidator() => EventTypeRules.Apply(this, c => c.Fields, creating: true);
}

public sealed class UpdateEventTypeCommandValidator : AbstractValidator<UpdateEventTypeCommand>
{
    public UpdateEventTypeCommandValidator() => EventTypeRules.Apply(this, c => c.Fields, creating: false);
}

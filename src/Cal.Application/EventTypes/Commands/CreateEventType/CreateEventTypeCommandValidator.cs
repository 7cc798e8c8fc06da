using Cal.Application.EventTypes.Common;
using FluentValidation;

namespace Cal.Application.EventTypes.Commands.CreateEventType;

public sealed class CreateEventTypeCommandValidator : AbstractValidator<CreateEventTypeCommand>
{
    public CreateEventTypeCommandValidator() => EventTypeRules.Apply(this, c => c.Fields, creating: true);
}

using Cal.Application.EventTypes.Common;
using FluentValidation;

namespace Cal.Application.EventTypes.Commands.UpdateEventType;

public sealed class UpdateEventTypeCommandValidator : AbstractValidator<UpdateEventTypeCommand>
{
    public UpdateEventTypeCommandValidator() => EventTypeRules.Apply(this, c => c.Fields, creating: false);
}

using FluentValidation;

namespace Cal.Application.EventTypes.Common;

/// <summary>The rules a created and an updated event type share.</summary>
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
        validator
            .RuleFor(c => fields(c).Slug)
            .Matches("^[a-z0-9]+(-[a-z0-9]+)*$")
            .MaximumLength(128)
            .When(c => fields(c).Slug is not null)
            .WithMessage("must be lower-case letters, digits and single dashes, such as 30-min")
            .OverridePropertyName("slug");
        validator.RuleFor(c => fields(c).LengthInMinutes).InclusiveBetween(1, 1440).OverridePropertyName("lengthInMinutes");
        validator.RuleFor(c => fields(c).Description).MaximumLength(4000).OverridePropertyName("description");
        validator.RuleFor(c => fields(c).BeforeEventBuffer).InclusiveBetween(0, 1440).OverridePropertyName("beforeEventBuffer");
        validator.RuleFor(c => fields(c).AfterEventBuffer).InclusiveBetween(0, 1440).OverridePropertyName("afterEventBuffer");
        validator.RuleFor(c => fields(c).MinimumBookingNotice).InclusiveBetween(0, 525_600).OverridePropertyName("minimumBookingNotice");
        validator.RuleFor(c => fields(c).SlotInterval).InclusiveBetween(1, 1440).OverridePropertyName("slotInterval");
        validator.RuleFor(c => fields(c).ScheduleId).GreaterThan(0).OverridePropertyName("scheduleId");
    }
}

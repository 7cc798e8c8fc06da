using Cal.Application.Common;
using FluentValidation;

namespace Cal.Application.Slots.Queries.GetSlots;

public sealed class GetSlotsQueryValidator : AbstractValidator<GetSlotsQuery>
{
    public GetSlotsQueryValidator()
    {
        RuleFor(q => q.EventTypeId)
            .NotNull()
            .When(q => string.IsNullOrWhiteSpace(q.EventTypeSlug) || string.IsNullOrWhiteSpace(q.Username))
            .WithMessage("is required, or eventTypeSlug with username")
            .OverridePropertyName("eventTypeId");
        RuleFor(q => q.EventTypeId).GreaterThan(0).OverridePropertyName("eventTypeId");
        RuleFor(q => q.Start == null ? null : q.Start.Text).NotEmpty().OverridePropertyName("start");
        RuleFor(q => q.End == null ? null : q.End.Text).NotEmpty().OverridePropertyName("end");
        RuleFor(q => q.TimeZone).IsIanaTimeZone().OverridePropertyName("timeZone");
        // and the event type's length (the handler knows it)
        RuleFor(q => q.Duration).InclusiveBetween(1, 1440).OverridePropertyName("duration");
        RuleFor(q => q.Format)
            .Must(f => f is null or "time" or "range")
            .WithMessage("must be time or range")
            .OverridePropertyName("format");
    }
}

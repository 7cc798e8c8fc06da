using FluentValidation;

namespace Cal.Application.Webhooks.Queries.GetWebhookDeliveries;

public sealed class GetWebhookDeliveriesQueryValidator : AbstractValidator<GetWebhookDeliveriesQuery>
{
    public GetWebhookDeliveriesQueryValidator() =>
        RuleFor(q => q.Take).InclusiveBetween(1, GetWebhookDeliveriesQueryHandler.MaxTake).OverridePropertyName("take");
}

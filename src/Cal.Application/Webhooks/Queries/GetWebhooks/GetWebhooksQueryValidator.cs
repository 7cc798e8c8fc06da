using FluentValidation;

namespace Cal.Application.Webhooks.Queries.GetWebhooks;

public sealed class GetWebhooksQueryValidator : AbstractValidator<GetWebhooksQuery>
{
    public GetWebhooksQueryValidator()
    {
        RuleFor(q => q.Skip).GreaterThanOrEqualTo(0).OverridePropertyName("skip");
        RuleFor(q => q.Take).InclusiveBetween(1, GetWebhooksQueryHandler.MaxTake).OverridePropertyName("take");
    }
}

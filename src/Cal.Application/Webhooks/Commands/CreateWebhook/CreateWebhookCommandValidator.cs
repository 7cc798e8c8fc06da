using Cal.Application.Webhooks.Common;
using FluentValidation;

namespace Cal.Application.Webhooks.Commands.CreateWebhook;

public sealed class CreateWebhookCommandValidator : AbstractValidator<CreateWebhookCommand>
{
    public CreateWebhookCommandValidator()
    {
        WebhookInput.SubscriberUrl(RuleFor(c => c.SubscriberUrl));
        WebhookInput.Triggers(RuleFor(c => c.Triggers));
        RuleFor(c => c.Active).NotNull().WithMessage("must be a boolean value").OverridePropertyName("active");
        WebhookInput.Template(RuleFor(c => c.PayloadTemplate));
        WebhookInput.Secret(RuleFor(c => c.Secret));
    }
}

using Cal.Application.Webhooks.Common;
using FluentValidation;

namespace Cal.Application.Webhooks.Commands.UpdateWebhook;

public sealed class UpdateWebhookCommandValidator : AbstractValidator<UpdateWebhookCommand>
{
    public UpdateWebhookCommandValidator()
    {
        WebhookInput.SubscriberUrl(RuleFor(c => c.SubscriberUrl), optional: true);
        WebhookInput.Triggers(RuleFor(c => c.Triggers), optional: true);
        WebhookInput.Template(RuleFor(c => c.PayloadTemplate));
        WebhookInput.Secret(RuleFor(c => c.Secret));
    }
}

using Cal.Application.Common.Behaviours;
using Cal.Application.Common.Exceptions;
using Cal.Application.Webhooks.Common;
using Cal.Domain.Webhooks;
using Mediator;

namespace Cal.Application.Webhooks.Commands.CreateWebhook;

/// <summary>cal.com's <c>POST /v2/webhooks</c> and <c>POST /v2/event-types/{id}/webhooks</c> (<c>CreateWebhookInputDto</c>).</summary>
public sealed record CreateWebhookCommand(
    WebhookScope Scope,
    string? SubscriberUrl,
    IReadOnlyList<string?>? Triggers,
    bool? Active,
    string? PayloadTemplate,
    string? Secret
) : ICommand<WebhookDto>, IValidated;

public sealed class CreateWebhookCommandHandler(WebhookAccess access, IWebhookStore store, ISubscriberUrlPolicy policy, TimeProvider time)
    : ICommandHandler<CreateWebhookCommand, WebhookDto>
{
    public async ValueTask<WebhookDto> Handle(CreateWebhookCommand command, CancellationToken cancellationToken)
    {
        await access.CheckScopeAsync(command.Scope, cancellationToken);
        var url = command.SubscriberUrl!.Trim();
        await SubscriberUrls.CheckAsync(policy, url, cancellationToken);
        var webhook = Webhook.Create(
            Guid.NewGuid().ToString(),
            command.Scope.UserId,
            command.Scope.EventTypeId,
            url,
            WebhookInput.Distinct(command.Triggers!),
            command.Active!.Value,
            command.PayloadTemplate,
            access.Protect(command.Secret),
            time.GetUtcNow()
        );
        if (!await store.AddAsync(webhook, cancellationToken))
        {
            throw new ConflictException(SubscriberUrls.Taken(command.Scope));
        }

        return access.Dto(webhook);
    }
}

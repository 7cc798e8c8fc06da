using Cal.Application.Webhooks.Common;
using Mediator;

namespace Cal.Application.Webhooks.Commands.DeleteWebhook;

/// <summary>cal.com's <c>DELETE</c> of one webhook: answers with the webhook as it was. Its pending deliveries are dropped when they come
/// due.</summary>
public sealed record DeleteWebhookCommand(WebhookScope Scope, string Uid) : ICommand<WebhookDto>;

/// <summary>cal.com's <c>DELETE /v2/event-types/{id}/webhooks</c>: every webhook of the event type; <c>"N webhooks deleted"</c>.</summary>
public sealed record DeleteEventTypeWebhooksCommand(int UserId, int EventTypeId) : ICommand<string>;

public sealed class DeleteWebhookCommandHandler(WebhookAccess access, IWebhookStore store)
    : ICommandHandler<DeleteWebhookCommand, WebhookDto>
{
    public async ValueTask<WebhookDto> Handle(DeleteWebhookCommand command, CancellationToken cancellationToken)
    {
        var webhook = await access.FindAsync(command.Scope, command.Uid, cancellationToken);
        var dto = access.Dto(webhook);
        await store.DeleteAsync(webhook, cancellationToken);
        return dto;
    }
}

public sealed class DeleteEventTypeWebhooksCommandHandler(WebhookAccess access, IWebhookStore store)
    : ICommandHandler<DeleteEventTypeWebhooksCommand, string>
{
    public async ValueTask<string> Handle(DeleteEventTypeWebhooksCommand command, CancellationToken cancellationToken)
    {
        await access.CheckScopeAsync(new WebhookScope(command.UserId, command.EventTypeId), cancellationToken);
        return $"{await store.DeleteForEventTypeAsync(command.EventTypeId, cancellationToken)} webhooks deleted";
    }
}

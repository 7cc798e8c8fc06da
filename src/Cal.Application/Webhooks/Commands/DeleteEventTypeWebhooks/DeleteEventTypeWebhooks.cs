using Cal.Application.Webhooks.Common;
using Mediator;

namespace Cal.Application.Webhooks.Commands.DeleteEventTypeWebhooks;

/// <summary>cal.com's <c>DELETE /v2/event-types/{id}/webhooks</c>: every webhook of the event type; <c>"N webhooks deleted"</c>.</summary>
public sealed record DeleteEventTypeWebhooksCommand(int UserId, int EventTypeId) : ICommand<string>;

public sealed class DeleteEventTypeWebhooksCommandHandler(WebhookAccess access, IWebhookStore store)
    : ICommandHandler<DeleteEventTypeWebhooksCommand, string>
{
    public async ValueTask<string> Handle(DeleteEventTypeWebhooksCommand command, CancellationToken cancellationToken)
    {
        await access.CheckScopeAsync(new WebhookScope(command.UserId, command.EventTypeId), cancellationToken);
        return $"{await store.DeleteForEventTypeAsync(command.EventTypeId, cancellationToken)} webhooks deleted";
    }
}

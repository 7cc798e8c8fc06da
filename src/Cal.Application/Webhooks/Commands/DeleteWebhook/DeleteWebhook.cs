using Cal.Application.Webhooks.Common;
using Mediator;

namespace Cal.Application.Webhooks.Commands.DeleteWebhook;

/// <summary>cal.com's <c>DELETE</c> of one webhook: answers with the webhook as it was. Its pending deliveries are dropped when they come
/// due.</summary>
public sealed record DeleteWebhookCommand(WebhookScope Scope, string Uid) : ICommand<WebhookDto>;

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

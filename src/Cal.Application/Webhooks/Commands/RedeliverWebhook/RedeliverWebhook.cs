using AutoMapper;
using Cal.Application.Common.Exceptions;
using Cal.Application.Outbox;
using Cal.Application.Webhooks.Common;
using Mediator;

namespace Cal.Application.Webhooks.Commands.RedeliverWebhook;

/// <summary>
/// <c>POST /v2/webhooks/{id}/deliveries/{deliveryId}/redeliver</c> (beyond cal.com): the delivery is made again, now,
/// with the same body and the same <c>X-Cal-Webhook-Id</c> (a receiver that kept it may drop it as a repeat), to the
/// webhook's current URL and signed with its current secret; a delivery that had finished gets a fresh set of attempts.
/// </summary>
public sealed record RedeliverWebhookCommand(WebhookScope Scope, string Uid, string DeliveryId) : ICommand<WebhookDeliveryDto>;

public sealed class RedeliverWebhookCommandHandler(
    WebhookAccess access,
    IWebhookStore store,
    IOutboxSignal outbox,
    TimeProvider time,
    IMapper mapper
) : ICommandHandler<RedeliverWebhookCommand, WebhookDeliveryDto>
{
    public async ValueTask<WebhookDeliveryDto> Handle(RedeliverWebhookCommand command, CancellationToken cancellationToken)
    {
        var webhook = await access.FindAsync(command.Scope, command.Uid, cancellationToken);
        var item =
            (
                command.DeliveryId.Length <= 64
                    ? await store.RedeliverAsync(webhook.Uid, command.DeliveryId, time.GetUtcNow(), cancellationToken)
                    : null
            )
            ?? throw new NotFoundException(
                $"Delivery ({(command.DeliveryId.Length <= 64 ? command.DeliveryId : command.DeliveryId[..64] + "…")}) not found"
            );
        outbox.Notify();
        return mapper.Map<WebhookDeliveryDto>(item);
    }
}

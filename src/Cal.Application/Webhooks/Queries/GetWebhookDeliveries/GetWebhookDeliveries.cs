using AutoMapper;
using Cal.Application.Common.Behaviours;
using Cal.Application.Webhooks.Common;
using Mediator;

namespace Cal.Application.Webhooks.Queries.GetWebhookDeliveries;

/// <summary><c>GET /v2/webhooks/{id}/deliveries</c> (beyond cal.com): the latest deliveries, newest first.</summary>
public sealed record GetWebhookDeliveriesQuery(WebhookScope Scope, string Uid, int? Take)
    : IQuery<IReadOnlyList<WebhookDeliveryDto>>,
        IValidated;

public sealed class GetWebhookDeliveriesQueryHandler(WebhookAccess access, IWebhookStore store, IMapper mapper)
    : IQueryHandler<GetWebhookDeliveriesQuery, IReadOnlyList<WebhookDeliveryDto>>
{
    public const int DefaultTake = 50;

    public const int MaxTake = 250;

    public async ValueTask<IReadOnlyList<WebhookDeliveryDto>> Handle(GetWebhookDeliveriesQuery query, CancellationToken cancellationToken)
    {
        var webhook = await access.FindAsync(query.Scope, query.Uid, cancellationToken);
        return
        [
            .. (await store.DeliveriesAsync(webhook.Uid, query.Take ?? DefaultTake, cancellationToken)).Select(x =>
                mapper.Map<WebhookDeliveryDto>(x)
            ),
        ];
    }
}

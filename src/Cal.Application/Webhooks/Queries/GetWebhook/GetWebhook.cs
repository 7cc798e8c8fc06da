using Cal.Application.Webhooks.Common;
using Mediator;

namespace Cal.Application.Webhooks.Queries.GetWebhook;

/// <summary>cal.com's <c>GET</c> of one webhook.</summary>
public sealed record GetWebhookQuery(WebhookScope Scope, string Uid) : IQuery<WebhookDto>;

public sealed class GetWebhookQueryHandler(WebhookAccess access) : IQueryHandler<GetWebhookQuery, WebhookDto>
{
    public async ValueTask<WebhookDto> Handle(GetWebhookQuery query, CancellationToken cancellationToken) =>
        access.Dto(await access.FindAsync(query.Scope, query.Uid, cancellationToken));
}

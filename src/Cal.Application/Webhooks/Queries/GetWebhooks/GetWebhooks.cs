using Cal.Application.Common.Behaviours;
using Cal.Application.Webhooks.Common;
using Mediator;

namespace Cal.Application.Webhooks.Queries.GetWebhooks;

/// <summary>cal.com's <c>GET /v2/webhooks</c> and <c>GET /v2/event-types/{id}/webhooks</c> (<c>SkipTakePagination</c>: take default
/// 250).</summary>
public sealed record GetWebhooksQuery(WebhookScope Scope, int? Skip, int? Take) : IQuery<IReadOnlyList<WebhookDto>>, IValidated;

public sealed class GetWebhooksQueryHandler(WebhookAccess access, IWebhookStore store)
    : IQueryHandler<GetWebhooksQuery, IReadOnlyList<WebhookDto>>
{
    public const int MaxTake = 250;

    public async ValueTask<IReadOnlyList<WebhookDto>> Handle(GetWebhooksQuery query, CancellationToken cancellationToken)
    {
        await access.CheckScopeAsync(query.Scope, cancellationToken);
        var page = await store.ListAsync(
            query.Scope.UserId,
            query.Scope.EventTypeId,
            query.Skip ?? 0,
            query.Take ?? MaxTake,
            cancellationToken
        );
        return [.. page.Select(access.Dto)];
    }
}

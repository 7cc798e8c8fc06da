using AutoMapper;
using Cal.Application.Common.Behaviours;
using Cal.Application.Webhooks.Common;
using FluentValidation;
using Mediator;

namespace Cal.Application.Webhooks.Queries.GetWebhooks;

/// <summary>cal.com's <c>GET</c> of one webhook.</summary>
public sealed record GetWebhookQuery(WebhookScope Scope, string Uid) : IQuery<WebhookDto>;

/// <summary>cal.com's <c>GET /v2/webhooks</c> and <c>GET /v2/event-types/{id}/webhooks</c> (<c>SkipTakePagination</c>: take default
/// 250).</summary>
public sealed record GetWebhooksQuery(WebhookScope Scope, int? Skip, int? Take) : IQuery<IReadOnlyList<WebhookDto>>, IValidated;

/// <summary><c>GET /v2/webhooks/{id}/deliveries</c> (beyond cal.com): the latest deliveries, newest first.</summary>
public sealed record GetWebhookDeliveriesQuery(WebhookScope Scope, string Uid, int? Take)
    : IQuery<IReadOnlyList<WebhookDeliveryDto>>,
        IValidated;

public sealed class GetWebhookQueryHandler(WebhookAccess access) : IQueryHandler<GetWebhookQuery, WebhookDto>
{
    public async ValueTask<WebhookDto> Handle(GetWebhookQuery query, CancellationToken cancellationToken) =>
        access.Dto(await access.FindAsync(query.Scope, query.Uid, cancellationToken));
}

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

public sealed class GetWebhooksQueryValidator : AbstractValidator<GetWebhooksQuery>
{
    public GetWebhooksQueryValidator()
    {
        RuleFor(q => q.Skip).GreaterThanOrEqualTo(0).OverridePropertyName("skip");
        RuleFor(q => q.Take).InclusiveBetween(1, GetWebhooksQueryHandler.MaxTake).OverridePropertyName("take");
    }
}

public sealed class GetWebhookDeliveriesQueryValidator : AbstractValidator<GetWebhookDeliveriesQuery>
{
    public GetWebhookDeliveriesQueryValidator() =>
        RuleFor(q => q.Take).InclusiveBetween(1, GetWebhookDeliveriesQueryHandler.MaxTake).OverridePropertyName("take");
}

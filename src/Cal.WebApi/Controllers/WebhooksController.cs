using System.Text.Json.Serialization;
using Cal.Application.Webhooks.Commands.CreateWebhook;
using Cal.Application.Webhooks.Commands.DeleteEventTypeWebhooks;
using Cal.Application.Webhooks.Commands.DeleteWebhook;
using Cal.Application.Webhooks.Commands.RedeliverWebhook;
using Cal.Application.Webhooks.Commands.UpdateWebhook;
using Cal.Application.Webhooks.Common;
using Cal.Application.Webhooks.Queries.GetWebhook;
using Cal.Application.Webhooks.Queries.GetWebhookDeliveries;
using Cal.Application.Webhooks.Queries.GetWebhooks;
using Cal.WebApi.Authentication;
using Cal.WebApi.Envelopes;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Cal.WebApi.Controllers;

/// <summary>
/// The routes shared by cal.com's user webhooks (<c>/v2/webhooks</c>) and event-type webhooks
/// (<c>/v2/event-types/{eventTypeId}/webhooks</c>): create, list, get, patch, delete, and (beyond cal.com) the latest
/// deliveries and redelivery. Another user's webhook, or event type, is <c>404</c>.
/// </summary>
[ApiController]
[Authorize]
[Produces("application/json")]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status400BadRequest)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status401Unauthorized)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status404NotFound)]
[ProducesResponseType<ErrorEnvelope>(StatusCodes.Status429TooManyRequests)]
public abstract class WebhookRoutesController(IMediator mediator) : ControllerBase
{
    /// <summary>cal.com's <c>CreateWebhookInputDto</c> (and, every field optional, <c>UpdateWebhookInputDto</c>).</summary>
    [JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
    public sealed record WebhookInputDto(
        string? SubscriberUrl,
        List<string?>? Triggers,
        bool? Active,
        string? PayloadTemplate,
        string? Secret
    );

    protected abstract WebhookScope Scope { get; }

    [HttpPost("")]
    [Consumes("application/json")]
    [RequestSizeLimit(64 * 1024)]
    [ProducesResponseType<SuccessEnvelope<WebhookDto>>(StatusCodes.Status201Created)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Create(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] WebhookInputDto? body,
        CancellationToken cancellationToken
    ) =>
        StatusCode(
            StatusCodes.Status201Created,
            new SuccessEnvelope<WebhookDto>(
                await mediator.Send(
                    new CreateWebhookCommand(Scope, body?.SubscriberUrl, body?.Triggers, body?.Active, body?.PayloadTemplate, body?.Secret),
                    cancellationToken
                )
            )
        );

    [HttpGet("")]
    [ProducesResponseType<SuccessEnvelope<IReadOnlyList<WebhookDto>>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> List([FromQuery] int? skip, [FromQuery] int? take, CancellationToken cancellationToken) =>
        Ok(new SuccessEnvelope<IReadOnlyList<WebhookDto>>(await mediator.Send(new GetWebhooksQuery(Scope, skip, take), cancellationToken)));

    [HttpGet("{webhookId}")]
    [ProducesResponseType<SuccessEnvelope<WebhookDto>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Get(string webhookId, CancellationToken cancellationToken) =>
        Ok(new SuccessEnvelope<WebhookDto>(await mediator.Send(new GetWebhookQuery(Scope, webhookId), cancellationToken)));

    [HttpPatch("{webhookId}")]
    [Consumes("application/json")]
    [RequestSizeLimit(64 * 1024)]
    [ProducesResponseType<SuccessEnvelope<WebhookDto>>(StatusCodes.Status200OK)]
    [ProducesResponseType<ErrorEnvelope>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Update(
        string webhookId,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] WebhookInputDto? body,
        CancellationToken cancellationToken
    ) =>
        Ok(
            new SuccessEnvelope<WebhookDto>(
                await mediator.Send(
                    new UpdateWebhookCommand(
                        Scope,
                        webhookId,
                        body?.SubscriberUrl,
                        body?.Triggers,
                        body?.Active,
                        body?.PayloadTemplate,
                        body?.Secret
                    ),
                    cancellationToken
                )
            )
        );

    [HttpDelete("{webhookId}")]
    [ProducesResponseType<SuccessEnvelope<WebhookDto>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Delete(string webhookId, CancellationToken cancellationToken) =>
        Ok(new SuccessEnvelope<WebhookDto>(await mediator.Send(new DeleteWebhookCommand(Scope, webhookId), cancellationToken)));

    /// <summary>The webhook's latest deliveries, newest first (<c>take</c>: 1 to 250, default 50).</summary>
    [HttpGet("{webhookId}/deliveries")]
    [ProducesResponseType<SuccessEnvelope<IReadOnlyList<WebhookDeliveryDto>>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> Deliveries(string webhookId, [FromQuery] int? take, CancellationToken cancellationToken) =>
        Ok(
            new SuccessEnvelope<IReadOnlyList<WebhookDeliveryDto>>(
                await mediator.Send(new GetWebhookDeliveriesQuery(Scope, webhookId, take), cancellationToken)
            )
        );

    /// <summary>Makes a delivery again, now (same body, same <c>X-Cal-Webhook-Id</c>).</summary>
    [HttpPost("{webhookId}/deliveries/{deliveryId}/redeliver")]
    [ProducesResponseType<SuccessEnvelope<WebhookDeliveryDto>>(StatusCodes.Status202Accepted)]
    public async Task<IActionResult> Redeliver(string webhookId, string deliveryId, CancellationToken cancellationToken) =>
        StatusCode(
            StatusCodes.Status202Accepted,
            new SuccessEnvelope<WebhookDeliveryDto>(
                await mediator.Send(new RedeliverWebhookCommand(Scope, webhookId, deliveryId), cancellationToken)
            )
        );
}

/// <summary>cal.com's user webhooks: fired by every booking change of the caller's event types.</summary>
[Route("v2/webhooks")]
public sealed class WebhooksController(IMediator mediator) : WebhookRoutesController(mediator)
{
    protected override WebhookScope Scope => new(User.GetUserId(), null);
}

/// <summary>cal.com's event-type webhooks: fired by booking changes of that event type (the caller's own).</summary>
[Route("v2/event-types/{eventTypeId:int}/webhooks")]
public sealed class EventTypeWebhooksController(IMediator mediator) : WebhookRoutesController(mediator)
{
    private readonly IMediator mediator = mediator;

    protected override WebhookScope Scope =>
        new(User.GetUserId(), int.Parse((string)RouteData.Values["eventTypeId"]!, System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>cal.com's delete-all: <c>{"status":"success","data":"N webhooks deleted"}</c>.</summary>
    [HttpDelete("")]
    [ProducesResponseType<SuccessEnvelope<string>>(StatusCodes.Status200OK)]
    public async Task<IActionResult> DeleteAll(int eventTypeId, CancellationToken cancellationToken) =>
        Ok(
            new SuccessEnvelope<string>(
                await mediator.Send(new DeleteEventTypeWebhooksCommand(User.GetUserId(), eventTypeId), cancellationToken)
            )
        );
}

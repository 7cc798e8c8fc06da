using System.Security.Cryptography;
using AutoMapper;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Webhooks;

namespace Cal.Application.Webhooks.Common;

/// <summary>Whose webhooks a request is about: the caller's own (<see cref="EventTypeId"/> null) or one of the caller's event
/// types'.</summary>
public sealed record WebhookScope(int UserId, int? EventTypeId);

/// <summary>
/// Finds webhooks as their owner sees them: another user's webhook, an event type's webhook asked for through another
/// event type or through <c>/v2/webhooks</c>, and another user's event type are all <c>404</c>.
/// </summary>
public sealed class WebhookAccess(IWebhookStore store, IEventTypeRepository eventTypes, ISecretProtector secrets, IMapper mapper)
{
    public async Task CheckScopeAsync(WebhookScope scope, CancellationToken cancellationToken)
    {
        if (
            scope.EventTypeId is { } id
            && (await eventTypes.FindAsync(id, cancellationToken) is not { } eventType || eventType.UserId != scope.UserId)
        )
        {
            throw new NotFoundException($"Event type with id {id} not found.");
        }
    }

    public async Task<Webhook> FindAsync(WebhookScope scope, string uid, CancellationToken cancellationToken)
    {
        await CheckScopeAsync(scope, cancellationToken);
        var webhook = uid.Length <= 64 ? await store.FindAsync(uid, cancellationToken) : null;
        return webhook is not null && webhook.OwnerUserId == scope.UserId && webhook.EventTypeId == scope.EventTypeId
            ? webhook
            : throw new NotFoundException($"Webhook ({(uid.Length <= 64 ? uid : uid[..64] + "…")}) not found");
    }

    /// <summary>The webhook as its owner reads it, with its secret.</summary>
    public WebhookDto Dto(Webhook webhook)
    {
        string? secret = null;
        try
        {
            secret = webhook.ProtectedSecret is { } protectedSecret ? secrets.Unprotect(protectedSecret) : null;
        }
        catch (CryptographicException)
        {
            // a key ring that lost its key: the secret cannot be shown (deliveries report it)
        }

        return mapper.Map<WebhookDto>(webhook) with
        {
            Secret = secret,
        };
    }

    public string? Protect(string? secret) => string.IsNullOrEmpty(secret) ? null : secrets.Protect(secret);
}

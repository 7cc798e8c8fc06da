using AutoMapper;
using Cal.Application.Webhooks.Delivery;
using Cal.Domain.Outbox;
using Cal.Domain.Webhooks;

namespace Cal.Application.Webhooks.Common;

/// <summary>
/// The webhooks feature's mappings: a webhook as cal.com shows it (<c>userId</c> for a user's, <c>eventTypeId</c> for an event
/// type's; the secret is not in the entity, only its protected form: <see cref="WebhookAccess"/> adds it for the owner), and one
/// delivery from its outbox row.
/// </summary>
public sealed class WebhooksMappingProfile : Profile
{
    public WebhooksMappingProfile()
    {
        CreateMap<Webhook, WebhookDto>()
            .ForCtorParam(nameof(WebhookDto.Id), o => o.MapFrom(w => w.Uid))
            .ForCtorParam(nameof(WebhookDto.Triggers), o => o.MapFrom(w => w.TriggerList))
            .ForCtorParam(nameof(WebhookDto.Secret), o => o.MapFrom(_ => (string?)null))
            .ForMember(d => d.UserId, o => o.MapFrom(w => w.EventTypeId == null ? w.OwnerUserId : (int?)null));
        CreateMap<OutboxItem, WebhookDeliveryDto>()
            .ForCtorParam(nameof(WebhookDeliveryDto.Id), o => o.MapFrom(i => i.DeliveryId ?? ""))
            .ForCtorParam(nameof(WebhookDeliveryDto.TriggerEvent), o => o.MapFrom(i => WebhookDelivery.Read(i).Trigger))
            .ForCtorParam(nameof(WebhookDeliveryDto.Status), o => o.MapFrom(i => StatusOf(i)))
            .ForCtorParam(
                nameof(WebhookDeliveryDto.NextAttemptAt),
                o => o.MapFrom(i => i.IsPending ? i.NextAttemptAt : (DateTimeOffset?)null)
            )
            .ForCtorParam(nameof(WebhookDeliveryDto.DeliveredAt), o => o.MapFrom(i => i.CompletedAt));
    }

    private static string StatusOf(OutboxItem item) =>
        item.CompletedAt is not null ? "delivered"
        : item.FailedAt is not null ? "failed"
        : "pending";
}

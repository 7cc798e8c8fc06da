using Cal.Domain.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cal.Infrastructure.Persistence.Configurations;

internal sealed class WebhookConfiguration : IEntityTypeConfiguration<Webhook>
{
    public void Configure(EntityTypeBuilder<Webhook> builder)
    {
        builder.ToTable("Webhooks");
        builder.Property(w => w.Uid).HasMaxLength(64).IsUnicode(false).IsRequired();
        builder.HasIndex(w => w.Uid).IsUnique();
        builder.Property(w => w.UniqueKey).HasMaxLength(96).IsUnicode(false).IsRequired();
        builder.HasIndex(w => w.UniqueKey).IsUnique();
        builder.Property(w => w.SubscriberUrl).HasMaxLength(2048).IsRequired();
        builder.Property(w => w.Triggers).HasMaxLength(512).IsUnicode(false).IsRequired();
        builder.Property(w => w.PayloadTemplate).HasMaxLength(Application.Webhooks.Common.PayloadTemplate.MaxLength);
        builder.Property(w => w.ProtectedSecret).HasMaxLength(2048).IsUnicode(false);
        builder.Property(w => w.CreatedAt).AsUtcTicks();
        builder.Property(w => w.FailingSince).AsUtcTicks();
        builder.Ignore(w => w.TriggerList);

        // Deleted with their owner and with their event type.
        builder.HasOne<Domain.Users.User>().WithMany().HasForeignKey(w => w.OwnerUserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Domain.EventTypes.EventType>().WithMany().HasForeignKey(w => w.EventTypeId).OnDelete(DeleteBehavior.NoAction);

        // The webhooks a booking change fires: the host's own and the event type's.
        builder.HasIndex(w => new { w.OwnerUserId, w.EventTypeId });
        builder.HasIndex(w => w.EventTypeId);
    }
}

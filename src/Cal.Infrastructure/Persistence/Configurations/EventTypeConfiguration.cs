using Cal.Domain.EventTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cal.Infrastructure.Persistence.Configurations;

internal sealed class EventTypeConfiguration : IEntityTypeConfiguration<EventType>
{
    public void Configure(EntityTypeBuilder<EventType> builder)
    {
        builder.ToTable("EventTypes");
        builder.Property(e => e.Title).HasMaxLength(256).IsRequired();
        builder.Property(e => e.Slug).HasMaxLength(128).IsRequired();
        builder.Property(e => e.Description).HasMaxLength(4000);
        builder.HasIndex(e => new { e.UserId, e.Slug }).IsUnique();
        builder.HasOne<Domain.Users.User>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

using Cal.Domain.Calendars;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cal.Infrastructure.Persistence.Configurations;

internal sealed class CalendarDeselectionConfiguration : IEntityTypeConfiguration<CalendarDeselection>
{
    public void Configure(EntityTypeBuilder<CalendarDeselection> builder)
    {
        builder.ToTable("CalendarDeselections");
        builder.Property(d => d.Integration).HasMaxLength(64).IsRequired().IsUnicode(false);
        builder.Property(d => d.ExternalIdHash).HasMaxLength(64).IsRequired().IsUnicode(false);
        builder.HasIndex(d => new { d.CredentialId, d.ExternalIdHash }).IsUnique();
        builder.HasIndex(d => d.UserId);

        // Through the credential only: SQL Server refuses two cascade paths (user -> credential -> this, user -> this).
        builder.HasOne<Credential>().WithMany().HasForeignKey(d => d.CredentialId).OnDelete(DeleteBehavior.Cascade);
    }
}

using Cal.Domain.Calendars;
using Cal.Domain.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cal.Infrastructure.Persistence.Configurations;

internal sealed class CredentialConfiguration : IEntityTypeConfiguration<Credential>
{
    public void Configure(EntityTypeBuilder<Credential> builder)
    {
        builder.ToTable("Credentials");
        builder.Property(c => c.Type).HasMaxLength(64).IsRequired().IsUnicode(false);
        builder.Property(c => c.AppId).HasMaxLength(64).IsRequired().IsUnicode(false);
        builder.Property(c => c.ProtectedKey).IsRequired();

        // One credential per user and type: the database, not the code, stops two concurrent saves making two rows.
        builder.HasIndex(c => new { c.UserId, c.Type }).IsUnique();
        builder.HasOne<User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

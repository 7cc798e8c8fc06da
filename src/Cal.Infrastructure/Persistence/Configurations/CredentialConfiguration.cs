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
        builder.Property(c => c.Account).HasMaxLength(64).IsRequired().IsUnicode(false).HasDefaultValue("");

        // One credential per user, type and account: the database, not the code, stops two concurrent saves making two rows.
        builder
            .HasIndex(c => new
            {
                c.UserId,
                c.Type,
                c.Account,
            })
            .IsUnique();
        builder.HasOne<User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

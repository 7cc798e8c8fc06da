using Cal.Domain.Platform;
using Cal.Domain.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cal.Infrastructure.Persistence.Configurations;

internal sealed class OAuthClientConfiguration : IEntityTypeConfiguration<OAuthClient>
{
    public void Configure(EntityTypeBuilder<OAuthClient> builder)
    {
        builder.ToTable("OAuthClients");
        builder.Property(c => c.ClientId).HasMaxLength(64).IsRequired().IsUnicode(false);
        builder.HasIndex(c => c.ClientId).IsUnique();
        builder.Property(c => c.Name).HasMaxLength(100).IsRequired();
        builder.Property(c => c.SecretHash).HasMaxLength(64).IsRequired().IsUnicode(false);
    }
}

internal sealed class ManagedUserTokensConfiguration : IEntityTypeConfiguration<ManagedUserTokens>
{
    public void Configure(EntityTypeBuilder<ManagedUserTokens> builder)
    {
        builder.ToTable("ManagedUserTokens");
        builder.Property(t => t.FamilyId).HasMaxLength(64).IsRequired().IsUnicode(false);
        builder.HasIndex(t => t.FamilyId);
        builder.Property(t => t.AccessTokenHash).HasMaxLength(64).IsRequired().IsUnicode(false);
        builder.HasIndex(t => t.AccessTokenHash).IsUnique();
        builder.Property(t => t.RefreshTokenHash).HasMaxLength(64).IsRequired().IsUnicode(false);
        builder.HasIndex(t => t.RefreshTokenHash).IsUnique();
        builder.Ignore(t => t.IsRevoked);
        builder.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);

        // No cascade from the client: SQL Server refuses two cascade paths (client → user → tokens).
        builder.HasOne<OAuthClient>().WithMany().HasForeignKey(t => t.OAuthClientId).OnDelete(DeleteBehavior.Restrict);
    }
}

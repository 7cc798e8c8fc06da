using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cal.Infrastructure.Persistence;

/// <summary>
/// A secret of this server's own (the key accounts are keyed with), stored only as a Data Protection payload: it is kept
/// with the key ring that protects it, so a copy of the database alone reveals nothing of it.
/// </summary>
internal sealed class ServerSecret
{
    public required string Name { get; init; }

    public required string ProtectedValue { get; init; }
}

internal sealed class ServerSecretConfiguration : IEntityTypeConfiguration<ServerSecret>
{
    public void Configure(EntityTypeBuilder<ServerSecret> builder)
    {
        builder.ToTable("ServerSecrets");
        builder.HasKey(s => s.Name);
        builder.Property(s => s.Name).HasMaxLength(64).IsUnicode(false);
        builder.Property(s => s.ProtectedValue).IsRequired();
    }
}

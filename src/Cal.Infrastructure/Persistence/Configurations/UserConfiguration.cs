using Cal.Domain.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cal.Infrastructure.Persistence.Configurations;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable("Users");
        builder.Property(u => u.Email).HasMaxLength(320).IsRequired();
        builder.HasIndex(u => u.Email).IsUnique();
        builder.Property(u => u.TimeZone).HasMaxLength(64).IsRequired();
        builder.Property(u => u.Name).HasMaxLength(256);
        builder.Ignore(u => u.IsManaged);
        builder.Ignore(u => u.Username);
        builder.Property(u => u.Bio).HasMaxLength(2000);
        builder.Property(u => u.WeekStart).HasMaxLength(16).IsRequired().HasDefaultValue(User.DefaultWeekStart);
        builder.Property(u => u.TimeFormat).IsRequired().HasDefaultValue(User.DefaultTimeFormat);
        builder.Property(u => u.Locale).HasMaxLength(16);
        builder.Property(u => u.AvatarUrl).HasMaxLength(2048);
        builder.Property(u => u.Metadata).HasMaxLength(32_000);

        // An index, not a foreign key: SQLite can add a column but not a constraint to an existing table
        // (EF would rebuild the table outside a transaction). Clients are never deleted.
        builder.HasIndex(u => u.OAuthClientId);
    }
}

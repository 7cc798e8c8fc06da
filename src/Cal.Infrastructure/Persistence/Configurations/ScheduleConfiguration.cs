using System.Text.Json;
using Cal.Domain.Schedules;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cal.Infrastructure.Persistence.Configurations;

internal sealed class ScheduleConfiguration : IEntityTypeConfiguration<Schedule>
{
    public void Configure(EntityTypeBuilder<Schedule> builder)
    {
        builder.ToTable("Schedules");
        builder.Property(s => s.Name).HasMaxLength(256).IsRequired();
        builder.Property(s => s.TimeZone).HasMaxLength(64).IsRequired();
        builder.HasIndex(s => s.UserId);

        // Hours are a value of the schedule, read and written whole: a JSON column each.
        builder
            .Property(s => s.Availability)
            .HasConversion(Json<IReadOnlyList<ScheduleAvailability>>(), Comparer<ScheduleAvailability>())
            .HasMaxLength(16_000)
            .IsRequired();
        builder
            .Property(s => s.Overrides)
            .HasConversion(Json<IReadOnlyList<ScheduleOverride>>(), Comparer<ScheduleOverride>())
            .HasMaxLength(64_000)
            .IsRequired();
        builder.HasOne<Domain.Users.User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }

    private static Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<T, string> Json<T>() =>
        new(
            value => JsonSerializer.Serialize(value, JsonSerializerOptions.Default),
            json => JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Default)!
        );

    private static ValueComparer<IReadOnlyList<T>> Comparer<T>() =>
        new(
            (a, b) =>
                JsonSerializer.Serialize(a, JsonSerializerOptions.Default) == JsonSerializer.Serialize(b, JsonSerializerOptions.Default),
            value => JsonSerializer.Serialize(value, JsonSerializerOptions.Default).GetHashCode(StringComparison.Ordinal),
            value => value.ToList()
        );
}

using Cal.Domain.Bookings;
using Cal.Domain.Calendars;
using Cal.Domain.EventTypes;
using Cal.Domain.Outbox;
using Cal.Domain.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Cal.Infrastructure.Persistence.Configurations;

/// <summary>
/// Instants the database compares (bookings' blocks, reservations' ends, outbox due times) are stored as UTC ticks on
/// every provider: SQLite cannot compare <see cref="DateTimeOffset"/> values in SQL, and ticks order as the instants do.
/// </summary>
internal static class UtcTicks
{
    public static readonly ValueConverter<DateTimeOffset, long> Converter = new(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));

    public static readonly ValueConverter<DateTimeOffset?, long?> NullableConverter = new(
        v => v.HasValue ? v.Value.UtcTicks : null,
        v => v.HasValue ? new DateTimeOffset(v.Value, TimeSpan.Zero) : null
    );

    public static PropertyBuilder<DateTimeOffset> AsUtcTicks(this PropertyBuilder<DateTimeOffset> property) =>
        property.HasConversion(Converter);

    public static PropertyBuilder<DateTimeOffset?> AsUtcTicks(this PropertyBuilder<DateTimeOffset?> property) =>
        property.HasConversion(NullableConverter);
}

internal sealed class BookingConfiguration : IEntityTypeConfiguration<Booking>
{
    public void Configure(EntityTypeBuilder<Booking> builder)
    {
        builder.ToTable("Bookings");
        builder.Property(b => b.Uid).HasMaxLength(64).IsUnicode(false).IsRequired();
        builder.HasIndex(b => b.Uid).IsUnique();
        builder.Property(b => b.RootUid).HasMaxLength(64).IsUnicode(false).IsRequired();
        builder.Property(b => b.IcsUid).HasMaxLength(96).IsUnicode(false).IsRequired();
        builder.Property(b => b.Title).HasMaxLength(1024).IsRequired();
        builder.Property(b => b.Description).HasMaxLength(8000).IsRequired();
        builder.Property(b => b.Start).AsUtcTicks();
        builder.Property(b => b.End).AsUtcTicks();
        builder.Property(b => b.BlockStart).AsUtcTicks();
        builder.Property(b => b.BlockEnd).AsUtcTicks();
        builder.Property(b => b.CreatedAt).AsUtcTicks();
        builder.Property(b => b.UpdatedAt).AsUtcTicks();
        builder.Property(b => b.Status).HasConversion<string>().HasMaxLength(16).IsUnicode(false);
        builder.Property(b => b.AttendeeName).HasMaxLength(256).IsRequired();
        builder.Property(b => b.AttendeeEmail).HasMaxLength(320).IsRequired();
        builder.Property(b => b.AttendeeTimeZone).HasMaxLength(64).IsRequired();
        builder.Property(b => b.AttendeeLanguage).HasMaxLength(16).IsRequired();
        builder.Property(b => b.Guests).HasMaxLength(4000).IsRequired();
        builder.Property(b => b.Metadata).HasMaxLength(64_000).IsRequired();
        builder.Property(b => b.CancellationReason).HasMaxLength(1000);
        builder.Property(b => b.CancelledByEmail).HasMaxLength(320);
        builder.Property(b => b.RescheduledToUid).HasMaxLength(64).IsUnicode(false);
        builder.Property(b => b.RescheduledFromUid).HasMaxLength(64).IsUnicode(false);
        builder.Property(b => b.ReschedulingReason).HasMaxLength(1000);
        builder.Property(b => b.DestinationCalendarUrl).HasMaxLength(2048);
        builder.Property(b => b.CalendarEventHref).HasMaxLength(4096);
        builder.Property(b => b.CalendarEventETag).HasMaxLength(1024);
        builder.Property(b => b.IdempotencyKey).HasMaxLength(255);
        builder.Property(b => b.IdempotencyHash).HasMaxLength(64).IsUnicode(false);
        builder.Ignore(b => b.Duration);
        builder.Ignore(b => b.IsAccepted);

        // The overlap check under the host's lock reads the host's accepted blocks around a time.
        builder.HasIndex(b => new
        {
            b.HostUserId,
            b.Status,
            b.BlockStart,
        });
        builder.HasIndex(b => new { b.HostUserId, b.Start });
        builder.HasOne<User>().WithMany().HasForeignKey(b => b.HostUserId).OnDelete(DeleteBehavior.Cascade);

        // No cascade from the event type: SQL Server refuses a second cascade path from users (user -> event type -> booking).
        builder.HasOne<EventType>().WithMany().HasForeignKey(b => b.EventTypeId).OnDelete(DeleteBehavior.NoAction);
    }
}

internal sealed class SlotReservationConfiguration : IEntityTypeConfiguration<SlotReservation>
{
    public void Configure(EntityTypeBuilder<SlotReservation> builder)
    {
        builder.ToTable("SlotReservations");
        builder.Property(r => r.Uid).HasMaxLength(64).IsUnicode(false).IsRequired();
        builder.HasIndex(r => r.Uid).IsUnique();
        builder.Property(r => r.SlotStart).AsUtcTicks();
        builder.Property(r => r.SlotEnd).AsUtcTicks();
        builder.Property(r => r.ReservedUntil).AsUtcTicks();
        builder.Property(r => r.CreatedAt).AsUtcTicks();
        builder.HasIndex(r => new { r.HostUserId, r.ReservedUntil });
        builder.HasIndex(r => r.ReservedUntil);
        builder.HasOne<User>().WithMany().HasForeignKey(r => r.HostUserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DestinationCalendarConfiguration : IEntityTypeConfiguration<DestinationCalendar>
{
    public void Configure(EntityTypeBuilder<DestinationCalendar> builder)
    {
        builder.ToTable("DestinationCalendars");
        builder.Property(d => d.Integration).HasMaxLength(64).IsUnicode(false).IsRequired();
        builder.Property(d => d.ExternalId).HasMaxLength(2048).IsRequired();
        builder.HasIndex(d => d.UserId).IsUnique();

        // It goes with its credential (disconnecting the credential clears it); through the credential only, one cascade path.
        builder.HasOne<Credential>().WithMany().HasForeignKey(d => d.CredentialId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OutboxItemConfiguration : IEntityTypeConfiguration<OutboxItem>
{
    public void Configure(EntityTypeBuilder<OutboxItem> builder)
    {
        builder.ToTable("Outbox");
        builder.Property(o => o.Kind).HasConversion<string>().HasMaxLength(32).IsUnicode(false);
        builder.Property(o => o.OrderKey).HasMaxLength(160).IsUnicode(false).IsRequired();
        builder.Property(o => o.Payload).IsRequired();
        builder.Property(o => o.WebhookId).HasMaxLength(64).IsUnicode(false);
        builder.Property(o => o.DeliveryId).HasMaxLength(64).IsUnicode(false);
        builder.Property(o => o.CreatedAt).AsUtcTicks();
        builder.Property(o => o.NextAttemptAt).AsUtcTicks();
        builder.Property(o => o.LastAttemptAt).AsUtcTicks();
        builder.Property(o => o.LeaseUntil).AsUtcTicks();
        builder.Property(o => o.CompletedAt).AsUtcTicks();
        builder.Property(o => o.FailedAt).AsUtcTicks();
        builder.Property(o => o.LastResult).HasMaxLength(256);
        // A recorded attempt is written only while its worker still holds the lease (a worker whose lease ran out, and
        // whose item another worker took, writes nothing): the lease's owner is the update's concurrency token.
        builder.Property(o => o.LeaseOwner).HasMaxLength(64).IsUnicode(false).IsConcurrencyToken();
        builder.Ignore(o => o.IsPending);

        // The worker's claim: pending items by due time; order within a key by id.
        builder.HasIndex(o => new
        {
            o.CompletedAt,
            o.FailedAt,
            o.NextAttemptAt,
        });
        builder.HasIndex(o => new { o.OrderKey, o.Id });
        builder.HasIndex(o => new { o.WebhookId, o.Id });
    }
}

/// <summary>An <c>Idempotency-Key</c> of a booking request: claimed as the request starts, pointing to its booking once made.</summary>
internal sealed class IdempotencyRecord
{
    public required string Key { get; init; }

    public required string BodyHash { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public string? BookingUid { get; set; }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable("IdempotencyKeys");
        builder.HasKey(r => r.Key);
        builder.Property(r => r.Key).HasMaxLength(255);
        builder.Property(r => r.BodyHash).HasMaxLength(64).IsUnicode(false).IsRequired();
        builder.Property(r => r.CreatedAt).AsUtcTicks();
        builder.Property(r => r.BookingUid).HasMaxLength(64).IsUnicode(false);
        builder.HasIndex(r => r.CreatedAt);
    }
}

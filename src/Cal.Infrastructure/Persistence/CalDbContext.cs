using Cal.Domain.ApiKeys;
using Cal.Domain.Calendars;
using Cal.Domain.Platform;
using Cal.Domain.Users;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Cal.Infrastructure.Persistence;

/// <summary>
/// The model, shared by every provider. Each provider has its own subclass so that its migrations are
/// generated and applied separately (<see cref="SqliteCalDbContext"/>, <see cref="SqlServerCalDbContext"/>,
/// <see cref="PostgresCalDbContext"/>).
/// </summary>
public abstract class CalDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<User> Users => Set<User>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<Credential> Credentials => Set<Credential>();

    public DbSet<OAuthClient> OAuthClients => Set<OAuthClient>();

    public DbSet<ManagedUserTokens> ManagedUserTokens => Set<ManagedUserTokens>();

    public DbSet<CalendarDeselection> CalendarDeselections => Set<CalendarDeselection>();

    public DbSet<Domain.Schedules.Schedule> Schedules => Set<Domain.Schedules.Schedule>();

    public DbSet<Domain.EventTypes.EventType> EventTypes => Set<Domain.EventTypes.EventType>();

    public DbSet<Domain.Bookings.Booking> Bookings => Set<Domain.Bookings.Booking>();

    public DbSet<Domain.Bookings.SlotReservation> SlotReservations => Set<Domain.Bookings.SlotReservation>();

    public DbSet<Domain.Bookings.DestinationCalendar> DestinationCalendars => Set<Domain.Bookings.DestinationCalendar>();

    public DbSet<Domain.Outbox.OutboxItem> Outbox => Set<Domain.Outbox.OutboxItem>();

    public DbSet<Domain.Webhooks.Webhook> Webhooks => Set<Domain.Webhooks.Webhook>();

    internal DbSet<Configurations.IdempotencyRecord> IdempotencyKeys => Set<Configurations.IdempotencyRecord>();

    /// <summary>Secrets of this server's own, as Data Protection payloads.</summary>
    internal DbSet<ServerSecret> ServerSecrets => Set<ServerSecret>();

    /// <summary>The Data Protection key ring, when <c>DataProtection:KeyStore</c> is <c>Database</c> (a fleet's default).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>The token families of one user (for dropping them from the authentication cache, or revoking them).</summary>
    internal IQueryable<string> TokenFamiliesOf(int userId) =>
        ManagedUserTokens.Where(t => t.UserId == userId).Select(t => t.FamilyId).Distinct();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CalDbContext).Assembly);
    }
}

public sealed class SqliteCalDbContext(DbContextOptions<SqliteCalDbContext> options) : CalDbContext(options);

public sealed class SqlServerCalDbContext(DbContextOptions<SqlServerCalDbContext> options) : CalDbContext(options);

public sealed class PostgresCalDbContext(DbContextOptions<PostgresCalDbContext> options) : CalDbContext(options);

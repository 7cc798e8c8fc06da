using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Cal.Application.Calendars.CalDav.Common;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Cal.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cal.Infrastructure.Security;

/// <summary>
/// <see cref="IAccountKeys"/>: HMAC-SHA256 of the identity under a 256-bit secret made once per installation and stored in
/// <c>ServerSecrets</c> as a Data Protection payload (so it is as safe as, and travels with, the key ring), written as 43
/// characters of base64url (an earlier version's unsalted SHA-256 was 64 hex characters: <see cref="MigrateAsync"/>).
/// </summary>
internal sealed partial class HmacAccountKeys(
    IServiceScopeFactory scopes,
    IDataProtectionProvider protection,
    ILogger<HmacAccountKeys> logger
) : IAccountKeys, IDisposable
{
    public const string SecretName = "account-keys.v1";

    private readonly IDataProtector protector = protection.CreateProtector("Cal.ServerSecrets.v1");
    private readonly SemaphoreSlim loading = new(1, 1);
    private byte[]? key;

    public async Task<string> KeyOfAsync(string identity, CancellationToken cancellationToken)
    {
        var secret = key ?? await LoadAsync(cancellationToken);
        return Base64Url.EncodeToString(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(identity)));
    }

    /// <summary>Re-keys every CalDAV and Apple credential still keyed the earlier way (at start, once the key ring is known to read
    /// them).</summary>
    public async Task<int> MigrateAsync(CalDbContext db, CancellationToken cancellationToken)
    {
        var legacy = await db
            .Credentials.AsNoTracking()
            .Where(c => (c.Type == CalendarApps.CalDav.Type || c.Type == CalendarApps.Apple.Type) && c.Account.Length == 64)
            .Select(c => new { c.Id, c.ProtectedKey })
            .ToListAsync(cancellationToken);
        var credentials = protection.CreateProtector(DataProtectionSecretProtector.Purpose);
        foreach (var credential in legacy)
        {
            var settings = CalDavSecret.Deserialize(credentials.Unprotect(credential.ProtectedKey));
            var account = await KeyOfAsync(CalDavSecret.AccountIdentity(new Uri(settings.ServerUrl), settings.Username), cancellationToken);
            await db
                .Credentials.Where(c => c.Id == credential.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Account, account), cancellationToken);
        }

        if (legacy.Count > 0)
        {
            LogMigrated(logger, legacy.Count);
        }

        return legacy.Count;
    }

    private async Task<byte[]> LoadAsync(CancellationToken cancellationToken)
    {
        await loading.WaitAsync(cancellationToken);
        try
        {
            if (key is not null)
            {
                return key;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CalDbContext>();
            var stored = await db.Set<ServerSecret>().AsNoTracking().SingleOrDefaultAsync(s => s.Name == SecretName, cancellationToken);
            if (stored is null)
            {
                var made = new ServerSecret
                {
                    Name = SecretName,
                    ProtectedValue = Convert.ToBase64String(protector.Protect(RandomNumberGenerator.GetBytes(32))),
                };
                db.Add(made);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                    stored = made;
                }
                catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
                {
                    // Another instance made it first: theirs is the one.
                    db.Entry(made).State = EntityState.Detached;
                    stored = await db.Set<ServerSecret>().AsNoTracking().SingleAsync(s => s.Name == SecretName, cancellationToken);
                }
            }

            return key = protector.Unprotect(Convert.FromBase64String(stored.ProtectedValue));
        }
        finally
        {
            loading.Release();
        }
    }

    public void Dispose() => loading.Dispose();

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Re-keyed {Count} CalDAV account(s) from an unsalted hash to this server's keyed hash"
    )]
    private static partial void LogMigrated(ILogger logger, int count);
}

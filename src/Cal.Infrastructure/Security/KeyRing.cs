using System.Data.Common;
using System.Security.Cryptography;
using System.Xml.Linq;
using Cal.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cal.Infrastructure.Security;

/// <summary>Where the Data Protection key ring (the keys every stored credential is encrypted with) is kept.</summary>
public enum KeyStore
{
    /// <summary>A folder (<c>DataProtection:KeysPath</c>, by default a per-user folder apart from the database). One instance's
    /// default.</summary>
    FileSystem,

    /// <summary>The database's <c>DataProtectionKeys</c> table, beside what it protects, so it is backed up, restored and shared with it. A
    /// fleet's default.</summary>
    Database,

    /// <summary>A Redis list; only by explicit choice, and only with Redis persistence and no eviction (otherwise a flush loses every
    /// credential).</summary>
    Redis,
}

/// <summary>
/// The key ring as configured: the store, its folder (<see cref="KeyStore.FileSystem"/>), and where earlier versions of Cal kept it by
/// default, so an existing installation's keys are carried over instead of orphaned.
/// </summary>
public sealed record KeyRingLocation(
    KeyStore Store,
    string? KeysPath,
    bool IsDefaultFolder,
    string? LegacyKeysPath,
    bool LegacyRedis,
    bool AllowNewKeyRing
)
{
    public const string SectionName = "DataProtection";

    internal static KeyRingLocation Resolve(
        Microsoft.Extensions.Configuration.IConfiguration configuration,
        StorageLocations storage,
        bool redisConfigured
    )
    {
        var section = configuration.GetSection(SectionName);
        var explicitPath = !string.IsNullOrWhiteSpace(section["KeysPath"]);
        var allowNew = bool.TryParse(section["AllowNewKeyRing"], out var allow) && allow;
        KeyStore store;
        if (section["KeyStore"] is { Length: > 0 } named)
        {
            if (!Enum.TryParse(named, ignoreCase: true, out store) || !Enum.IsDefined(store))
            {
                throw new CalConfigurationException($"DataProtection:KeyStore '{named}' is not FileSystem, Database or Redis.");
            }

            if (store == KeyStore.Redis && !redisConfigured)
            {
                throw new CalConfigurationException("DataProtection:KeyStore is Redis but Redis:Configuration is not set.");
            }
        }
        else
        {
            // An explicit folder is an explicit choice; otherwise a fleet keeps its keys with its data, one instance in its own folder.
            store = explicitPath || !redisConfigured ? KeyStore.FileSystem : KeyStore.Database;
        }

        return store switch
        {
            // The user's own folder when it can be made (a service account's home may not exist); else, as earlier versions, beside the
            // database.
            KeyStore.FileSystem when !explicitPath && storage.LegacyKeysPath is { } legacy && !CanCreate(storage.DataProtectionKeysPath) =>
                new KeyRingLocation(store, legacy, true, null, false, allowNew),
            KeyStore.FileSystem => new KeyRingLocation(
                store,
                storage.DataProtectionKeysPath,
                !explicitPath,
                explicitPath ? null : storage.LegacyKeysPath,
                false,
                allowNew
            ),
            KeyStore.Database => new KeyRingLocation(store, null, false, null, LegacyRedis: redisConfigured, allowNew),
            _ => new KeyRingLocation(store, null, false, null, false, allowNew),
        };
    }

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the folder (and its parents) readable by this user only on Unix.</summary>
    private static void CreateOwnerOnly(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, OwnerOnly);
        }
    }

    private static bool CanCreate(string folder)
    {
        try
        {
            CreateOwnerOnly(folder);
            return true;
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    /// <summary>Creates the folder readable by this user only (on Unix), before Data Protection writes its first key there.</summary>
    internal void PrepareFolder()
    {
        if (KeysPath is null)
        {
            return;
        }

        CreateOwnerOnly(KeysPath);
        if (!OperatingSystem.IsWindows() && IsDefaultFolder && (File.GetUnixFileMode(KeysPath) & ~OwnerOnly) != 0)
        {
            File.SetUnixFileMode(KeysPath, OwnerOnly); // Cal's own folder; a folder the operator named keeps the modes they gave it.
        }
    }
}

/// <summary>
/// Holds back the creation of Data Protection keys until the start-up check of the key ring has passed
/// (<see cref="KeyRingInitializer"/>): until then nothing, not Data Protection's own start-up work either, can put a new
/// key into a ring that should have held the old ones.
/// </summary>
public sealed class KeyRingGate
{
    private volatile bool open;

    public bool IsOpen => open;

    public void Open() => open = true;
}

/// <summary>The configured key repository, refusing to store a key while <see cref="KeyRingGate"/> is closed.</summary>
internal sealed class GatedXmlRepository(IXmlRepository inner, KeyRingGate gate) : IXmlRepository
{
    public IXmlRepository Inner => inner;

    public IReadOnlyCollection<XElement> GetAllElements() => inner.GetAllElements();

    public void StoreElement(XElement element, string friendlyName)
    {
        if (!gate.IsOpen)
        {
            throw new InvalidOperationException(
                "Cal holds back new Data Protection keys until its start-up check of the key ring has passed."
            );
        }

        inner.StoreElement(element, friendlyName);
    }
}

/// <summary>
/// Runs once the database is migrated, before the server takes requests (and before Data Protection's own start-up work,
/// which would otherwise create a key): carries an existing key ring over from where earlier versions kept it by default
/// (a folder beside the database; Redis in a fleet), tightens the key files' modes, refuses to start with an empty key
/// ring while the database holds credentials, and proves that the ring it found reads a stored credential. Only then may
/// keys be created (<see cref="KeyRingGate"/>). Without this, Data Protection would create a new key, and every stored
/// credential would stay unreadable: data loss that looks like every feed being broken.
/// </summary>
public sealed partial class KeyRingInitializer(
    KeyRingLocation location,
    IOptions<KeyManagementOptions> keyManagement,
    KeyRingGate gate,
    Microsoft.AspNetCore.DataProtection.IDataProtectionProvider protection,
    CalDbContext db,
    ILogger<KeyRingInitializer> logger,
    Func<IXmlRepository?>? legacyRedis = null
)
{
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var configured =
            keyManagement.Value.XmlRepository ?? throw new InvalidOperationException("Data Protection has no key repository configured.");
        var ring = configured is GatedXmlRepository gated ? gated.Inner : configured;
        var keys = ring.GetAllElements();
        if (keys.Count == 0)
        {
            var carried = CarryOver(ring);
            if (carried > 0)
            {
                LogCarriedOver(logger, carried, location.Store);
                keys = ring.GetAllElements();
            }
        }

        TightenKeyFiles();
        if (location.AllowNewKeyRing)
        {
            gate.Open();
            return;
        }

        int credentials;
        try
        {
            credentials = await db.Credentials.CountAsync(cancellationToken);
        }
        catch (DbException ex)
        {
            // The database cannot be read yet (not migrated, not reachable): nothing can be proven. Existing keys are used;
            // none is made into an empty ring, which might be the wrong one, until a start that can read the database.
            LogUncheckable(logger, ex.GetType().Name, keys.Count);
            if (keys.Count > 0)
            {
                gate.Open();
            }

            return;
        }

        if (keys.Count == 0 && credentials > 0)
        {
            throw EmptyRing(credentials);
        }

        // Keys there are, or nothing needs them: they may be created (and rotated) from now on.
        gate.Open();
        if (credentials > 0)
        {
            await ProveNewestReadableAsync(keys.Count, cancellationToken);
        }
    }

    /// <summary>Keys are not enough: they must be the ones the credentials were encrypted with (the newest one is tried).</summary>
    private async Task ProveNewestReadableAsync(int keyCount, CancellationToken cancellationToken)
    {
        var newest = await db
            .Credentials.AsNoTracking()
            .OrderByDescending(c => c.Id)
            .Select(c => new { c.Id, c.ProtectedKey })
            .FirstAsync(cancellationToken);
        try
        {
            _ = protection.CreateProtector(DataProtectionSecretProtector.Purpose).Unprotect(newest.ProtectedKey);
        }
        catch (CryptographicException)
        {
            throw new CalConfigurationException(
                $"The Data Protection key ring ({Describe()}) holds {keyCount} key(s), but not the one credential {newest.Id} in the "
                    + "database was encrypted with: every stored credential would be unreadable. Point DataProtection:KeyStore / "
                    + "DataProtection:KeysPath (and DataProtection:CertificatePath, if the keys are protected with a certificate) at "
                    + "the key ring the database was written with; to start anyway and accept that the credentials are lost, set "
                    + "DataProtection:AllowNewKeyRing=true."
            );
        }
    }

    private CalConfigurationException EmptyRing(int credentials) =>
        new(
            $"The Data Protection key ring ({Describe()}) is empty, but the database holds {credentials} credential(s) encrypted with "
                + "a key ring. Starting would create a new key and those credentials could never be read again. Restore the key ring "
                + "(or point DataProtection:KeyStore / DataProtection:KeysPath at it); to start anyway and accept that they are lost, "
                + "set DataProtection:AllowNewKeyRing=true."
        );

    private int CarryOver(IXmlRepository ring)
    {
        IReadOnlyCollection<XElement> old = [];
        if (location.LegacyKeysPath is { } folder && Directory.Exists(folder) && !SamePath(folder, location.KeysPath))
        {
            old = Directory.EnumerateFiles(folder, "key-*.xml").Select(f => XElement.Load(f)).ToList();
        }
        else if (location.LegacyRedis && legacyRedis?.Invoke() is { } redis)
        {
            old = redis.GetAllElements();
        }

        foreach (var element in old)
        {
            var id = (string?)element.Attribute("id") ?? Guid.NewGuid().ToString();
            ring.StoreElement(element, "key-" + id);
        }

        return old.Count;
    }

    private void TightenKeyFiles()
    {
        if (location.KeysPath is not { } folder || OperatingSystem.IsWindows() || !Directory.Exists(folder))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.xml"))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private string Describe() =>
        location.Store switch
        {
            KeyStore.FileSystem => "folder " + location.KeysPath,
            KeyStore.Database => "the database's DataProtectionKeys table",
            _ => "Redis key " + DependencyInjection.DataProtectionRedisKey,
        };

    private static bool SamePath(string a, string? b) =>
        b is not null
        && string.Equals(
            Path.GetFullPath(a).TrimEnd(Path.DirectorySeparatorChar),
            Path.GetFullPath(b).TrimEnd(Path.DirectorySeparatorChar),
            StringComparison.Ordinal
        );

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "The key ring could not be checked against the database ({Error}); {Keys} key(s) found, and no new key is made "
            + "until a start that "
            + "can read the database"
    )]
    private static partial void LogUncheckable(ILogger logger, string error, int keys);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Carried {Count} Data Protection key(s) over from where earlier versions kept them into the {Store} key store; "
            + "the old copy can "
            + "be deleted once this instance is confirmed working"
    )]
    private static partial void LogCarriedOver(ILogger logger, int count, KeyStore store);
}

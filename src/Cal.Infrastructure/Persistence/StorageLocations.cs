using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Cal.Infrastructure.Persistence;

/// <summary>
/// Where the database and (when kept in a folder) the Data Protection keys live. The keys' default folder is the user's own
/// (<c>~/.local/share/Cal/keys</c> on Linux), apart from the database, so a copy or backup of the database's folder does not
/// carry the keys that decrypt it; <see cref="LegacyKeysPath"/> is where earlier versions put them (beside the database).
/// </summary>
public sealed record StorageLocations(string ConnectionString, string DataProtectionKeysPath, string? LegacyKeysPath = null)
{
    /// <summary>Where the default key folder (<c>Cal/keys</c>) goes: the user's local application data, or null when the user has
    /// none.</summary>
    internal static string? DefaultKeysRoot()
    {
        var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return string.IsNullOrWhiteSpace(data) ? null : data;
    }

    internal static StorageLocations Resolve(DatabaseOptions database, IConfiguration configuration, string contentRoot, string? keysRoot)
    {
        var configured = configuration.GetConnectionString("Default");
        var (connectionString, legacyKeysPath) =
            database.Provider == DatabaseProvider.Sqlite
                ? SqliteFile(configured, contentRoot)
                : Server(database.Provider, configured, contentRoot);
        var keysPath = configuration["DataProtection:KeysPath"];
        if (!string.IsNullOrWhiteSpace(keysPath))
        {
            return new StorageLocations(connectionString, Path.GetFullPath(keysPath, contentRoot));
        }

        // Earlier versions' default (beside the database) stays the default only where the user has no folder of their own
        // (and, for a folder that cannot be created, see KeyRingLocation).
        return keysRoot is null
            ? new StorageLocations(connectionString, legacyKeysPath)
            : new StorageLocations(connectionString, Path.Combine(keysRoot, "Cal", "keys"), legacyKeysPath);
    }

    /// <summary>The SQLite file, relative to the content root (so <c>dotnet run</c> from anywhere uses one database), its folder
    /// made; earlier versions kept the keys beside it.</summary>
    private static (string ConnectionString, string LegacyKeysPath) SqliteFile(string? configured, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(
            string.IsNullOrWhiteSpace(configured) ? DatabaseOptions.DefaultSqliteConnectionString : configured
        );
        if (builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
        {
            builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        }

        return (builder.ToString(), Path.Combine(Path.GetDirectoryName(Path.GetFullPath(builder.DataSource, contentRoot))!, "keys"));
    }

    /// <summary>A server's connection string, required and parsed now, so one for another provider stops start-up with one clear
    /// line; earlier versions kept the keys in <c>App_Data/keys</c>.</summary>
    private static (string ConnectionString, string LegacyKeysPath) Server(
        DatabaseProvider provider,
        string? configured,
        string contentRoot
    )
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new CalConfigurationException(
                provider == DatabaseProvider.SqlServer
                    ? "Database:Provider is SqlServer but ConnectionStrings:Default is not set (e.g. "
                        + "ConnectionStrings__Default=\"Server=...;Database=Cal;...\")."
                    : "Database:Provider is Postgres but ConnectionStrings:Default is not set (e.g. "
                        + "ConnectionStrings__Default=\"Host=...;Database=cal;Username=...;Password=...\")."
            );
        }

        try
        {
            _ =
                provider == DatabaseProvider.SqlServer
                    ? (DbConnectionStringBuilder)new SqlConnectionStringBuilder(configured)
                    : new NpgsqlConnectionStringBuilder(configured);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new CalConfigurationException($"ConnectionStrings:Default is not a {provider} connection string ({ex.Message}).");
        }

        return (configured, Path.Combine(contentRoot, "App_Data", "keys"));
    }
}

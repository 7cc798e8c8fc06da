using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

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
        var connectionString = configuration.GetConnectionString("Default");
        string legacyKeysPath;
        if (database.Provider == DatabaseProvider.Sqlite)
        {
            var builder = new SqliteConnectionStringBuilder(
                string.IsNullOrWhiteSpace(connectionString) ? DatabaseOptions.DefaultSqliteConnectionString : connectionString
            );
            if (builder.DataSource != ":memory:" && builder.Mode != SqliteOpenMode.Memory)
            {
                // Relative to the content root, so `dotnet run` from anywhere uses one database.
                builder.DataSource = Path.GetFullPath(builder.DataSource, contentRoot);
                Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
            }

            connectionString = builder.ToString();
            legacyKeysPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(builder.DataSource, contentRoot))!, "keys");
        }
        else
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new CalConfigurationException(
                    database.Provider == DatabaseProvider.SqlServer
                        ? "Database:Provider is SqlServer but ConnectionStrings:Default is not set (e.g. "
                            + "ConnectionStrings__Default=\"Server=...;Database=Cal;...\")."
                        : "Database:Provider is Postgres but ConnectionStrings:Default is not set (e.g. "
                            + "ConnectionStrings__Default=\"Host=...;Database=cal;Username=...;Password=...\")."
                );
            }

            try
            {
                // Parsed now, so a connection string for another provider stops start-up with one clear line.
                _ =
                    database.Provider == DatabaseProvider.SqlServer
                        ? (System.Data.Common.DbConnectionStringBuilder)
                            new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(connectionString)
                        : new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
            {
                throw new CalConfigurationException(
                    $"ConnectionStrings:Default is not a {database.Provider} connection string ({ex.Message})."
                );
            }

            legacyKeysPath = Path.Combine(contentRoot, "App_Data", "keys");
        }

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
}

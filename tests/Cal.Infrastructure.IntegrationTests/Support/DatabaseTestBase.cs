using Cal.Application.Common.Interfaces;
using Cal.Domain.Users;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Cal.Infrastructure.IntegrationTests.Support;

/// <summary>A fresh SQLite file per test, migrated by the real <c>DatabaseInitializer</c>.</summary>
public abstract class DatabaseTestBase
{
    private TempDirectory temp = null!;

    internal InfrastructureHost Host { get; private set; } = null!;

    [SetUp]
    public async Task CreateDatabase()
    {
        temp = new TempDirectory();
        Host = InfrastructureHost.Create(temp.Path);
        await Host.InitializeDatabaseAsync();
    }

    [TearDown]
    public async Task DeleteDatabase()
    {
        await Host.DisposeAsync();
        temp.Dispose();
    }

    protected Task<int> CreateUserAsync(string email) =>
        Host.InScopeAsync(async sp =>
        {
            var user = User.Create(email, "Europe/Berlin", "Test User", DateTimeOffset.UnixEpoch);
            await sp.GetRequiredService<IUserRepository>().AddAsync(user, CancellationToken.None);
            return user.Id;
        });

    protected async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await Host.OpenRawConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    protected async Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await Host.OpenRawConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync();
    }

    protected async Task<List<Dictionary<string, object?>>> QueryAsync(string sql)
    {
        await using var connection = await Host.OpenRawConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    internal static bool IsUniqueViolation(SqliteException ex) => ex.SqliteErrorCode == 19;
}

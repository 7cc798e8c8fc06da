using Cal.WebApi.FunctionalTests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cal.WebApi.FunctionalTests.Reliability;

/// <summary>
/// An acknowledged save must survive an OS crash or power loss: Cal sets <c>synchronous=FULL</c> on every connection
/// unless told otherwise. (The bundled SQLite reports FULL in WAL mode today, measured; the setting pins it, so a
/// library that defaults WAL to NORMAL cannot weaken it silently, and makes NORMAL a deliberate choice.)
/// </summary>
public sealed class DurabilityTests
{
    private static async Task<long> SynchronousOfAConnectionAsync(CalApiFactory api) =>
        await api.WithDbAsync(async db =>
        {
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync();
            try
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA synchronous;";
                return (long)(await command.ExecuteScalarAsync())!;
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        });

    [Test]
    public async Task SqliteConnections_AreFull_ByDefault()
    {
        await using var api = new CalApiFactory();
        try
        {
            Assert.That(await SynchronousOfAConnectionAsync(api), Is.EqualTo(2), "2 = FULL");
        }
        finally
        {
            api.DeleteData();
        }
    }

    [Test]
    public async Task SqliteSynchronous_CanBeSetToNormal()
    {
        await using var api = new CalApiFactory(overrides: new Dictionary<string, string?> { ["Database:SqliteSynchronous"] = "Normal" });
        try
        {
            Assert.That(await SynchronousOfAConnectionAsync(api), Is.EqualTo(1), "1 = NORMAL");
        }
        finally
        {
            api.DeleteData();
        }
    }
}

using Cal.Infrastructure.IntegrationTests.Support;
using Cal.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cal.Infrastructure.IntegrationTests.Persistence;

/// <summary>The SQLite migrations as <see cref="DatabaseInitializer"/> applies them.</summary>
[TestFixture]
public sealed class DatabaseInitializerTests : DatabaseTestBase
{
    [Test]
    public async Task AfterInitialize_NoMigrationIsPending()
    {
        var (pending, applied) = await Host.InScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<CalDbContext>();
            return ((await db.Database.GetPendingMigrationsAsync()).ToList(), (await db.Database.GetAppliedMigrationsAsync()).ToList());
        });

        Assert.Multiple(() =>
        {
            Assert.That(pending, Is.Empty);
            Assert.That(applied, Has.Some.EndsWith("_InitialCreate"));
        });
    }

    [Test]
    public async Task Migrations_MatchTheModel()
    {
        var changed = await Host.InScopeAsync(sp =>
            Task.FromResult(sp.GetRequiredService<CalDbContext>().Database.HasPendingModelChanges())
        );

        Assert.That(changed, Is.False, "the model has changed without a new SQLite migration");
    }

    [Test]
    public async Task Credentials_HaveAUniqueIndexOnUserIdTypeAndAccount()
    {
        var indexes = await QueryAsync("SELECT name, \"unique\" FROM pragma_index_list('Credentials')");
        var unique = new List<string[]>();
        foreach (var index in indexes.Where(i => Convert.ToInt64(i["unique"], System.Globalization.CultureInfo.InvariantCulture) == 1))
        {
            var columns = await QueryAsync($"SELECT name FROM pragma_index_info('{index["name"]}') ORDER BY seqno");
            unique.Add(columns.Select(c => (string)c["name"]!).ToArray());
        }

        Assert.That(unique, Has.Some.EqualTo(new[] { "UserId", "Type", "Account" }));
    }

    [TestCase("Users", "Email")]
    [TestCase("ApiKeys", "HashedKey")]
    public async Task OtherUniqueColumns_HaveUniqueIndexes(string table, string column)
    {
        var count = await ScalarAsync(
            $"SELECT COUNT(*) FROM pragma_index_list('{table}') AS l JOIN pragma_index_info(l.name) AS i WHERE l.\"unique\" = 1 AND i.name = $column",
            ("$column", column)
        );

        Assert.That(count, Is.EqualTo(1));
    }

    [Test]
    public async Task TheUniqueIndex_IsEnforcedByTheDatabaseItself()
    {
        var userId = await CreateUserAsync("index@example.test");
        const string insert =
            "INSERT INTO Credentials (UserId, Type, AppId, ProtectedKey, Invalid) VALUES ($u, 'ics-feed_calendar', 'ics-feed', 'k', 0)";
        await ExecuteAsync(insert, ("$u", userId));

        var ex = Assert.ThrowsAsync<SqliteException>(() => ExecuteAsync(insert, ("$u", userId)));

        Assert.That(IsUniqueViolation(ex!), Is.True, ex!.Message);
    }

    private static readonly int MigrationCount = typeof(Cal.Infrastructure.Persistence.SqliteCalDbContext)
        .Assembly.GetTypes()
        .Count(t =>
            t.Namespace?.EndsWith("Migrations.Sqlite", StringComparison.Ordinal) == true
            && t.GetCustomAttributes(typeof(Microsoft.EntityFrameworkCore.Migrations.MigrationAttribute), false).Length > 0
        );

    [Test]
    public async Task Initialize_SwitchesToWalAndCanRunAgain()
    {
        await Host.InitializeDatabaseAsync(); // a restart: already migrated

        Assert.Multiple(async () =>
        {
            Assert.That(File.Exists(Host.DatabasePath), Is.True);
            Assert.That((await QueryAsync("PRAGMA journal_mode"))[0]["journal_mode"], Is.EqualTo("wal"));
            Assert.That(
                await ScalarAsync("SELECT COUNT(*) FROM __EFMigrationsHistory"),
                Is.EqualTo(MigrationCount),
                "each migration applied once"
            );
        });
    }
}

using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Cal.Infrastructure.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Cal.Infrastructure.IntegrationTests.Persistence;

/// <summary><see cref="Infrastructure.Persistence.Repositories.CredentialRepository"/> on a real, migrated SQLite file.</summary>
[TestFixture]
public sealed class CredentialRepositoryTests : DatabaseTestBase
{
    [Test]
    public async Task FirstSave_InsertsTheIcsFeedCredential()
    {
        var userId = await CreateUserAsync("first@example.test");

        var saved = await SaveAsync(userId, "protected-1");

        var rows = await QueryAsync("SELECT Id, UserId, TeamId, Type, AppId, ProtectedKey, Invalid FROM Credentials");
        Assert.Multiple(() =>
        {
            Assert.That(saved.Id, Is.Positive);
            Assert.That(saved.UserId, Is.EqualTo(userId));
            Assert.That(saved.Type, Is.EqualTo("ics-feed_calendar"));
            Assert.That(saved.AppId, Is.EqualTo("ics-feed"));
            Assert.That(saved.ProtectedKey, Is.EqualTo("protected-1"));
            Assert.That(saved.Invalid, Is.False);
            Assert.That(rows, Has.Count.EqualTo(1));
            Assert.That(rows[0]["Id"], Is.EqualTo(saved.Id));
            Assert.That(rows[0]["UserId"], Is.EqualTo(userId));
            Assert.That(rows[0]["TeamId"], Is.Null);
            Assert.That(rows[0]["Type"], Is.EqualTo("ics-feed_calendar"));
            Assert.That(rows[0]["AppId"], Is.EqualTo("ics-feed"));
            Assert.That(rows[0]["ProtectedKey"], Is.EqualTo("protected-1"));
            Assert.That(rows[0]["Invalid"], Is.Zero);
        });
    }

    [Test]
    public async Task SecondSave_ReplacesTheKey_KeepsTheId_AndClearsInvalid()
    {
        var userId = await CreateUserAsync("second@example.test");
        var first = await SaveAsync(userId, "protected-old");
        Assert.That(await ExecuteAsync("UPDATE Credentials SET Invalid = 1 WHERE Id = $id", ("$id", first.Id)), Is.EqualTo(1));

        var second = await SaveAsync(userId, "protected-new");

        var rows = await QueryAsync("SELECT Id, ProtectedKey, Invalid FROM Credentials");
        Assert.Multiple(() =>
        {
            Assert.That(second.Id, Is.EqualTo(first.Id));
            Assert.That(second.ProtectedKey, Is.EqualTo("protected-new"));
            Assert.That(second.Invalid, Is.False);
            Assert.That(rows, Has.Count.EqualTo(1));
            Assert.That(rows[0]["Id"], Is.EqualTo(first.Id));
            Assert.That(rows[0]["ProtectedKey"], Is.EqualTo("protected-new"));
            Assert.That(rows[0]["Invalid"], Is.Zero);
        });
    }

    [Test]
    public async Task RepeatedSaves_InOneScope_ReplaceAndReturnTheCurrentRow()
    {
        var userId = await CreateUserAsync("scope@example.test");

        var (first, second, third) = await Host.InScopeAsync(async sp =>
        {
            var repository = sp.GetRequiredService<ICredentialRepository>();
            var a = await repository.SaveIcsFeedAsync(userId, "k1", CancellationToken.None);
            var b = await repository.SaveIcsFeedAsync(userId, "k2", CancellationToken.None);
            var c = await repository.SaveIcsFeedAsync(userId, "k3", CancellationToken.None);
            return (a, b, c);
        });

        Assert.Multiple(() =>
        {
            Assert.That(new[] { second.Id, third.Id }, Is.All.EqualTo(first.Id));
            Assert.That(second.ProtectedKey, Is.EqualTo("k2"));
            Assert.That(third.ProtectedKey, Is.EqualTo("k3"));
        });
        Assert.That(await ScalarAsync("SELECT COUNT(*) FROM Credentials"), Is.EqualTo(1));
    }

    [Test]
    public async Task DifferentUsers_GetTheirOwnRows()
    {
        var alice = await CreateUserAsync("alice@example.test");
        var bob = await CreateUserAsync("bob@example.test");

        var aliceCredential = await SaveAsync(alice, "alice-key");
        var bobCredential = await SaveAsync(bob, "bob-key");
        await SaveAsync(alice, "alice-key-2");

        var rows = await QueryAsync("SELECT Id, UserId, ProtectedKey FROM Credentials ORDER BY UserId");
        Assert.Multiple(() =>
        {
            Assert.That(bobCredential.Id, Is.Not.EqualTo(aliceCredential.Id));
            Assert.That(rows, Has.Count.EqualTo(2));
            Assert.That(
                rows.Select(r => (r["UserId"], r["ProtectedKey"])),
                Is.EquivalentTo(new (object?, object?)[] { ((long)alice, "alice-key-2"), ((long)bob, "bob-key") })
            );
        });
    }

    [Test]
    public async Task ConcurrentFirstSaves_ForOneUser_MakeExactlyOneRow([Values(1, 2, 3)] int round)
    {
        const int savers = 20;
        var userId = await CreateUserAsync($"race{round}@example.test");
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var saves = Enumerable
            .Range(0, savers)
            .Select(i =>
                Task.Run(async () =>
                {
                    await using var scope = Host.Services.CreateAsyncScope(); // each saver has its own DbContext and connection
                    var repository = scope.ServiceProvider.GetRequiredService<ICredentialRepository>();
                    await start.Task;
                    return await repository.SaveIcsFeedAsync(userId, $"key-{i}", CancellationToken.None);
                })
            )
            .ToList();
        start.SetResult();
        var results = await Task.WhenAll(saves);

        var rows = await QueryAsync($"SELECT Id, ProtectedKey FROM Credentials WHERE UserId = {userId}");
        Assert.Multiple(() =>
        {
            Assert.That(rows, Has.Count.EqualTo(1));
            Assert.That(
                results.Select(r => r.Id).Distinct(),
                Is.EqualTo(new[] { Convert.ToInt32(rows[0]["Id"], System.Globalization.CultureInfo.InvariantCulture) })
            );
            Assert.That(rows[0]["ProtectedKey"], Is.AnyOf(Enumerable.Range(0, savers).Select(i => (object)$"key-{i}").ToArray()));
        });
    }

    [Test]
    public async Task FindByUserAndType_ReturnsOnlyThatUsersCredentialOfThatType()
    {
        var alice = await CreateUserAsync("find-alice@example.test");
        var bob = await CreateUserAsync("find-bob@example.test");
        var saved = await SaveAsync(alice, "alice-secret");

        var found = await FindAsync(alice, CalendarApps.IcsFeed.Type);
        var otherUser = await FindAsync(bob, CalendarApps.IcsFeed.Type);
        var otherType = await FindAsync(alice, "google_calendar");
        var noUser = await FindAsync(987_654, CalendarApps.IcsFeed.Type);

        Assert.Multiple(() =>
        {
            Assert.That(found, Is.Not.Null);
            Assert.That(found!.Id, Is.EqualTo(saved.Id));
            Assert.That(found.ProtectedKey, Is.EqualTo("alice-secret"));
            Assert.That(found.AppId, Is.EqualTo("ics-feed"));
            Assert.That(otherUser, Is.Null);
            Assert.That(otherType, Is.Null);
            Assert.That(noUser, Is.Null);
        });
    }

    [Test]
    public async Task FindByUserAndType_SeesAReplacementMadeInAnotherScope()
    {
        var userId = await CreateUserAsync("fresh@example.test");
        await SaveAsync(userId, "before");

        var (before, after) = await Host.InScopeAsync(async sp =>
        {
            var repository = sp.GetRequiredService<ICredentialRepository>();
            var b = await repository.FindByUserAndTypeAsync(userId, CalendarApps.IcsFeed.Type, CancellationToken.None);
            await SaveAsync(userId, "after"); // another scope, another DbContext
            var a = await repository.FindByUserAndTypeAsync(userId, CalendarApps.IcsFeed.Type, CancellationToken.None);
            return (b, a);
        });

        Assert.Multiple(() =>
        {
            Assert.That(before?.ProtectedKey, Is.EqualTo("before"));
            Assert.That(after?.ProtectedKey, Is.EqualTo("after"), "reads must not come from a stale change tracker");
        });
    }

    [Test]
    public async Task Save_ForAUserThatDoesNotExist_FailsAndStoresNothing()
    {
        // A user deleted while their save was in flight: the foreign key refuses the row, the caller is told they are no one.
        var refused = Assert.ThrowsAsync<Cal.Application.Common.Exceptions.UnauthorizedException>(() => SaveAsync(424_242, "orphan"));
        Assert.That(refused!.Message, Does.Contain("no longer exists"));

        Assert.That(await ScalarAsync("SELECT COUNT(*) FROM Credentials"), Is.Zero);
    }

    [Test]
    public async Task DeletingTheUser_DeletesTheCredential()
    {
        var userId = await CreateUserAsync("gone@example.test");
        await SaveAsync(userId, "soon-gone");

        await ExecuteAsync("PRAGMA foreign_keys = ON; DELETE FROM Users WHERE Id = $id", ("$id", userId));

        Assert.That(await ScalarAsync("SELECT COUNT(*) FROM Credentials"), Is.Zero);
    }

    private Task<Credential> SaveAsync(int userId, string protectedKey) =>
        Host.InScopeAsync(sp =>
            sp.GetRequiredService<ICredentialRepository>().SaveIcsFeedAsync(userId, protectedKey, CancellationToken.None)
        );

    private Task<Credential?> FindAsync(int userId, string type) =>
        Host.InScopeAsync(sp =>
            sp.GetRequiredService<ICredentialRepository>().FindByUserAndTypeAsync(userId, type, CancellationToken.None)
        );
}

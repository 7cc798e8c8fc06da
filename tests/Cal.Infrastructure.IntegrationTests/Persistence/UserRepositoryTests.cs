using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.ApiKeys;
using Cal.Domain.Users;
using Cal.Infrastructure.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cal.Infrastructure.IntegrationTests.Persistence;

/// <summary><see cref="Infrastructure.Persistence.Repositories.UserRepository"/> and the API key store on a real SQLite file.</summary>
[TestFixture]
public sealed class UserRepositoryTests : DatabaseTestBase
{
    [Test]
    public async Task Add_ThenFindByEmailAndId()
    {
        var id = await CreateUserAsync("Jane.Doe@Example.test");

        var byEmail = await Host.InScopeAsync(sp =>
            sp.GetRequiredService<IUserRepository>().FindByEmailAsync("jane.doe@example.test", CancellationToken.None)
        );
        var byId = await Host.InScopeAsync(sp => sp.GetRequiredService<IUserRepository>().FindByIdAsync(id, CancellationToken.None));
        var missing = await Host.InScopeAsync(sp =>
            sp.GetRequiredService<IUserRepository>().FindByIdAsync(id + 1000, CancellationToken.None)
        );

        Assert.Multiple(() =>
        {
            Assert.That(id, Is.Positive);
            Assert.That(byEmail?.Id, Is.EqualTo(id));
            Assert.That(byId?.Email, Is.EqualTo("jane.doe@example.test"));
            Assert.That(byId?.TimeZone, Is.EqualTo("Europe/Berlin"));
            Assert.That(missing, Is.Null);
        });
    }

    [TestCase("taken@example.test")]
    [TestCase("TAKEN@Example.TEST")] // the domain lower-cases emails, so this is the same address
    public async Task Add_WithATakenEmail_IsConflict(string secondEmail)
    {
        await CreateUserAsync("taken@example.test");

        var ex = Assert.ThrowsAsync<ConflictException>(() => CreateUserAsync(secondEmail));

        Assert.Multiple(async () =>
        {
            Assert.That(ex!.Message, Does.Contain("taken@example.test"));
            Assert.That(await ScalarAsync("SELECT COUNT(*) FROM Users"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Add_AfterAConflict_TheSameRepositoryStillWorks()
    {
        await CreateUserAsync("one@example.test");

        var secondId = await Host.InScopeAsync(async sp =>
        {
            var repository = sp.GetRequiredService<IUserRepository>();
            Assert.ThrowsAsync<ConflictException>(() =>
                repository.AddAsync(User.Create("one@example.test", null, null, DateTimeOffset.UnixEpoch), CancellationToken.None)
            );
            var other = User.Create("two@example.test", null, null, DateTimeOffset.UnixEpoch);
            await repository.AddAsync(other, CancellationToken.None); // the failed user must not be saved again with it
            return other.Id;
        });

        Assert.Multiple(async () =>
        {
            Assert.That(secondId, Is.Positive);
            Assert.That(await ScalarAsync("SELECT COUNT(*) FROM Users"), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task ApiKey_IsFoundByItsHashOnly()
    {
        var userId = await CreateUserAsync("keys@example.test");
        var generator = Host.Get<IApiKeyGenerator>();
        var plaintext = generator.Generate();
        var hash = generator.Hash(plaintext);

        await Host.InScopeAsync(sp =>
            sp.GetRequiredService<IApiKeyRepository>()
                .AddAsync(ApiKey.Issue(userId, hash, DateTimeOffset.UnixEpoch, null), CancellationToken.None)
        );
        var byHash = await Host.InScopeAsync(sp =>
            sp.GetRequiredService<IApiKeyRepository>().FindByHashAsync(hash, CancellationToken.None)
        );
        var byPlaintext = await Host.InScopeAsync(sp =>
            sp.GetRequiredService<IApiKeyRepository>().FindByHashAsync(plaintext, CancellationToken.None)
        );
        var stored = await QueryAsync("SELECT HashedKey FROM ApiKeys");

        Assert.Multiple(() =>
        {
            Assert.That(byHash?.UserId, Is.EqualTo(userId));
            Assert.That(byPlaintext, Is.Null);
            Assert.That(stored.Select(r => r["HashedKey"]), Is.EqualTo(new[] { hash }), "only the hash is stored");
        });
    }

    [Test]
    public async Task ApiKey_DuplicateHash_IsRefusedByTheDatabase()
    {
        var userId = await CreateUserAsync("dup-keys@example.test");
        var hash = Host.Get<IApiKeyGenerator>().Hash("cal_duplicate");
        await Host.InScopeAsync(sp =>
            sp.GetRequiredService<IApiKeyRepository>()
                .AddAsync(ApiKey.Issue(userId, hash, DateTimeOffset.UnixEpoch, null), CancellationToken.None)
        );

        Assert.ThrowsAsync<DbUpdateException>(() =>
            Host.InScopeAsync(sp =>
                sp.GetRequiredService<IApiKeyRepository>()
                    .AddAsync(ApiKey.Issue(userId, hash, DateTimeOffset.UnixEpoch, null), CancellationToken.None)
            )
        );
    }
}

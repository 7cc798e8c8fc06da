using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Platform;
using Cal.Domain.Users;
using Cal.Infrastructure.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Cal.Infrastructure.IntegrationTests.Persistence;

/// <summary>OAuth clients and managed-user token pairs on a real SQLite file: transactions, races, family revocation.</summary>
[TestFixture]
public sealed class PlatformRepositoryTests : DatabaseTestBase
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private async Task<int> CreateClientAsync(string clientId = "clacme") =>
        await Host.InScopeAsync(async sp =>
        {
            var client = OAuthClient.Register(clientId, "Acme", "hash-" + clientId, Now);
            await sp.GetRequiredService<IOAuthClientRepository>().AddAsync(client, CancellationToken.None);
            return client.Id;
        });

    private static ManagedUserTokens Pair(int userId, int clientId, string n, string family = "fam") =>
        ManagedUserTokens.Issue(family, userId, clientId, "a" + n, "r" + n, Now, TimeSpan.FromHours(1), TimeSpan.FromDays(365));

    private async Task<int> CreateManagedUserAsync(int clientId, string email = "a+clacme@example.test", string n = "1") =>
        await Host.InScopeAsync(async sp =>
        {
            var user = User.CreateManaged(clientId, email, null, null, Now);
            await sp.GetRequiredService<IManagedUserTokenRepository>()
                .AddUserWithTokensAsync(user, u => Pair(u.Id, clientId, n), CancellationToken.None);
            return user.Id;
        });

    private IManagedUserTokenRepository Tokens(IServiceProvider sp) => sp.GetRequiredService<IManagedUserTokenRepository>();

    [Test]
    public async Task Client_IsFoundByItsPublicId()
    {
        var id = await CreateClientAsync();

        var found = await Host.InScopeAsync(sp =>
            sp.GetRequiredService<IOAuthClientRepository>().FindByClientIdAsync("clacme", CancellationToken.None)
        );

        Assert.That((found?.Id, found?.SecretHash), Is.EqualTo(((int?)id, "hash-clacme")));
    }

    [Test]
    public async Task ManagedUser_AndItsFirstPair_AreStoredTogether_AndADuplicateStoresNeither()
    {
        var clientId = await CreateClientAsync();
        var userId = await CreateManagedUserAsync(clientId);

        var pair = await Host.InScopeAsync(sp => Tokens(sp).FindByAccessTokenHashAsync("a1", CancellationToken.None));
        Assert.That((pair?.UserId, pair?.OAuthClientId), Is.EqualTo(((int?)userId, (int?)clientId)));

        Assert.ThrowsAsync<ConflictException>(() => CreateManagedUserAsync(clientId));
        Assert.That(await ScalarAsync("SELECT COUNT(*) FROM Users"), Is.EqualTo(1));
        Assert.That(await ScalarAsync("SELECT COUNT(*) FROM ManagedUserTokens"), Is.EqualTo(1));
    }

    [Test]
    public async Task TokenPairFailure_RollsBackTheUser()
    {
        var clientId = await CreateClientAsync();

        Assert.ThrowsAsync<InvalidOperationException>(() =>
            Host.InScopeAsync<int>(async sp =>
            {
                await Tokens(sp)
                    .AddUserWithTokensAsync(
                        User.CreateManaged(clientId, "b@example.test", null, null, Now),
                        _ => throw new InvalidOperationException("issuer failed"),
                        CancellationToken.None
                    );
                return 0;
            })
        );

        Assert.That(await ScalarAsync("SELECT COUNT(*) FROM Users"), Is.Zero, "no user without its tokens");
    }

    [Test]
    public async Task TryRotate_OnlyOnce_EvenWhenRacing()
    {
        var clientId = await CreateClientAsync();
        var userId = await CreateManagedUserAsync(clientId);
        var first = await Host.InScopeAsync(sp => Tokens(sp).FindByRefreshTokenHashAsync("r1", CancellationToken.None));

        var results = await Task.WhenAll(
            Enumerable
                .Range(2, 8)
                .Select(n =>
                    Host.InScopeAsync(sp =>
                        Tokens(sp)
                            .TryRotateAsync(
                                first!.Id,
                                Pair(userId, clientId, n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                                Now,
                                CancellationToken.None
                            )
                    )
                )
        );

        Assert.That(results.Count(r => r), Is.EqualTo(1));
        Assert.That(await ScalarAsync("SELECT COUNT(*) FROM ManagedUserTokens"), Is.EqualTo(2), "one successor, no orphans");
        var rotated = await Host.InScopeAsync(sp => Tokens(sp).FindByRefreshTokenHashAsync("r1", CancellationToken.None));
        Assert.That(rotated!.RotatedAt, Is.EqualTo(Now));
    }

    [Test]
    public async Task RevokeFamily_RevokesEveryPairOfThatFamilyOnly()
    {
        var clientId = await CreateClientAsync();
        var userId = await CreateManagedUserAsync(clientId);
        await Host.InScopeAsync(sp => Tokens(sp).TryRotateAsync(1, Pair(userId, clientId, "2"), Now, CancellationToken.None));
        var other = await CreateManagedUserAsync(clientId, "c+clacme@example.test", "9");
        await ExecuteAsync("UPDATE ManagedUserTokens SET FamilyId = 'other' WHERE UserId = $u", ("$u", other));

        var revoked = await Host.InScopeAsync(sp => Tokens(sp).RevokeFamilyAsync("fam", Now, CancellationToken.None));

        Assert.That(revoked, Is.EqualTo(2));
        Assert.That(await ScalarAsync("SELECT COUNT(*) FROM ManagedUserTokens WHERE RevokedAt IS NULL"), Is.EqualTo(1));
        Assert.That(
            await Host.InScopeAsync(sp => Tokens(sp).TryRotateAsync(2, Pair(userId, clientId, "3"), Now, CancellationToken.None)),
            Is.False,
            "a revoked pair does not rotate"
        );
    }

    [Test]
    public async Task APairARevocationDidNotSee_IsRevokedWithItsFamily()
    {
        // A revocation racing a rotation marks the rows it sees; the pair the rotation inserts beside it is not among them.
        var clientId = await CreateClientAsync();
        var userId = await CreateManagedUserAsync(clientId);
        await Host.InScopeAsync(sp => Tokens(sp).TryRotateAsync(1, Pair(userId, clientId, "2"), Now, CancellationToken.None));
        await ExecuteAsync("UPDATE ManagedUserTokens SET RevokedAt = RotatedAt WHERE Id = 1");

        var unseen = await Host.InScopeAsync(sp => Tokens(sp).FindByAccessTokenHashAsync("a2", CancellationToken.None));
        var byRefresh = await Host.InScopeAsync(sp => Tokens(sp).FindByRefreshTokenHashAsync("r2", CancellationToken.None));
        var rotates = await Host.InScopeAsync(sp => Tokens(sp).TryRotateAsync(2, Pair(userId, clientId, "3"), Now, CancellationToken.None));

        Assert.That(
            await ScalarAsync("SELECT COUNT(*) FROM ManagedUserTokens WHERE Id = 2 AND RevokedAt IS NULL"),
            Is.EqualTo(1),
            "the row itself was not marked"
        );
        Assert.That(
            (unseen!.IsRevoked, byRefresh!.IsRevoked),
            Is.EqualTo((true, true)),
            "the family's revocation decides, for its access and refresh token"
        );
        Assert.That(rotates, Is.False, "a pair of a revoked family does not rotate");
    }
}

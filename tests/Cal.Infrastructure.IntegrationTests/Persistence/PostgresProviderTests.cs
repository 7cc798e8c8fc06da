using Cal.Application.Common.Interfaces;
using Cal.Domain.ApiKeys;
using Cal.Domain.Platform;
using Cal.Domain.Users;
using Cal.Infrastructure.IntegrationTests.Support;
using Cal.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Cal.Infrastructure.IntegrationTests.Persistence;

/// <summary>
/// The PostgreSQL provider against a real server on loopback: its migrations apply, and the repositories
/// (upsert on the unique index, conditional rotation, family revocation) behave as on SQLite.
/// </summary>
public sealed class PostgresProviderTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task Migrations_Apply_AndTheRepositoriesWork()
    {
        using var postgres = PostgresServer.StartOrIgnore();
        using var temp = new TempDirectory();
        await using var host = InfrastructureHost.Create(
            temp.Path,
            new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Postgres",
                ["ConnectionStrings:Default"] = postgres.ConnectionString(),
            }
        );

        await host.InitializeDatabaseAsync(); // creates the database and applies every migration
        await host.InitializeDatabaseAsync(); // a restart: nothing to do

        var userId = await host.InScopeAsync(async sp =>
        {
            var user = User.Create("pg@example.test", "Europe/Berlin", null, Now);
            await sp.GetRequiredService<IUserRepository>().AddAsync(user, CancellationToken.None);
            await sp.GetRequiredService<IApiKeyRepository>().AddAsync(ApiKey.Issue(user.Id, "hash", Now, null), CancellationToken.None);
            return user.Id;
        });
        var key = await host.InScopeAsync(sp => sp.GetRequiredService<IApiKeyRepository>().FindByHashAsync("hash", CancellationToken.None));
        Assert.That((key?.UserId, key?.CreatedAt), Is.EqualTo(((int?)userId, (DateTimeOffset?)Now)));

        // The credential upsert keeps one row per user and type, also when saves race.
        await Task.WhenAll(
            Enumerable
                .Range(0, 10)
                .Select(i =>
                    host.InScopeAsync(sp =>
                        sp.GetRequiredService<ICredentialRepository>().SaveIcsFeedAsync(userId, $"secret-{i}", CancellationToken.None)
                    )
                )
        );
        var credentials = await host.InScopeAsync(sp =>
            sp.GetRequiredService<ICredentialRepository>().ListForUserAsync(userId, CancellationToken.None)
        );
        Assert.That(credentials, Has.Count.EqualTo(1));

        // Token rotation happens once; the family is revoked as a whole.
        var clientId = await host.InScopeAsync(async sp =>
        {
            var client = OAuthClient.Register("clpg", "PG", "hash", Now);
            await sp.GetRequiredService<IOAuthClientRepository>().AddAsync(client, CancellationToken.None);
            var managed = User.CreateManaged(client.Id, "m+clpg@example.test", null, null, Now);
            await sp.GetRequiredService<IManagedUserTokenRepository>()
                .AddUserWithTokensAsync(
                    managed,
                    u => ManagedUserTokens.Issue("fam", u.Id, client.Id, "a1", "r1", Now, TimeSpan.FromHours(1), TimeSpan.FromDays(1)),
                    CancellationToken.None
                );
            return client.Id;
        });
        var first = await host.InScopeAsync(sp =>
            sp.GetRequiredService<IManagedUserTokenRepository>().FindByRefreshTokenHashAsync("r1", CancellationToken.None)
        );
        var rotations = await Task.WhenAll(
            Enumerable
                .Range(2, 5)
                .Select(n =>
                    host.InScopeAsync(sp =>
                        sp.GetRequiredService<IManagedUserTokenRepository>()
                            .TryRotateAsync(
                                first!.Id,
                                ManagedUserTokens.Issue(
                                    "fam",
                                    first.UserId,
                                    clientId,
                                    $"a{n}",
                                    $"r{n}",
                                    Now,
                                    TimeSpan.FromHours(1),
                                    TimeSpan.FromDays(1)
                                ),
                                Now,
                                CancellationToken.None
                            )
                    )
                )
        );
        Assert.That(rotations.Count(r => r), Is.EqualTo(1));
        Assert.That(
            await host.InScopeAsync(sp =>
                sp.GetRequiredService<IManagedUserTokenRepository>().RevokeFamilyAsync("fam", Now, CancellationToken.None)
            ),
            Is.EqualTo(2)
        );
    }
}

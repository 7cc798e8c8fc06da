using System.Text.RegularExpressions;

namespace Cal.Infrastructure.IntegrationTests.Security;

/// <summary><see cref="Infrastructure.Security.ApiKeyGenerator"/>: pure functions, constructed rather than resolved from a host.</summary>
[TestFixture]
public sealed partial class ApiKeyGeneratorTests
{
    private readonly Infrastructure.Security.ApiKeyGenerator generator = new();

    [Test]
    public void Generate_IsCalPrefixAnd32LowercaseHex_AndUniqueOver1000Calls()
    {
        var keys = Enumerable.Range(0, 1000).Select(_ => generator.Generate()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(keys, Has.All.Matches(KeyShape()));
            Assert.That(keys.Distinct(StringComparer.Ordinal).Count(), Is.EqualTo(1000));
            Assert.That(
                keys.Select(k => k[4..]).SelectMany(k => k).Distinct().Count(),
                Is.EqualTo(16),
                "all 16 hex digits appear: the suffix is random, not patterned"
            );
        });
    }

    [Test]
    public void Hash_Is64LowercaseHex_Deterministic_AndNotThePlaintext()
    {
        var key = generator.Generate();

        var hash = generator.Hash(key);

        Assert.Multiple(() =>
        {
            Assert.That(hash, Does.Match(HashShape()));
            Assert.That(generator.Hash(key), Is.EqualTo(hash));
            Assert.That(hash, Is.Not.EqualTo(key).And.Not.Contains(key[4..]));
            Assert.That(generator.Hash(generator.Generate()), Is.Not.EqualTo(hash));
        });
    }

    [Test]
    public void Hash_IsSha256OfTheUtf8Key()
    {
        // FIPS 180-2 test vector: stored hashes stay valid only while this holds.
        Assert.That(generator.Hash("abc"), Is.EqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }

    [GeneratedRegex("^cal_[0-9a-f]{32}$")]
    private static partial Regex KeyShape();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex HashShape();
}

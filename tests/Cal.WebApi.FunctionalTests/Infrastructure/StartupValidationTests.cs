using Microsoft.Extensions.Options;

namespace Cal.WebApi.FunctionalTests.Infrastructure;

/// <summary>Options are checked when the server starts, with a message that says what to fix.</summary>
public sealed class StartupValidationTests
{
    [TestCase("Outbound:AllowedHosts:0", "http://127.0.0.1/", "Outbound:AllowedHosts entry 'http://127.0.0.1/'")]
    [TestCase("Outbound:AllowedHosts:0", "10.0.0.0/99", "10.0.0.0/99")]
    [TestCase("Outbound:FeedTimeout", "00:00:00", "FeedTimeout")]
    [TestCase("Outbound:MaxConcurrentFetchesPerSave", "0", "MaxConcurrentFetchesPerSave")]
    [TestCase("BusyTimes:MaxOccurrencesPerFeed", "0", "MaxOccurrencesPerFeed")]
    public async Task InvalidOption_StopsStartUp_NamingIt(string key, string value, string named)
    {
        await using var api = new CalApiFactory(overrides: new Dictionary<string, string?> { [key] = value });

        var ex = Assert.Throws<OptionsValidationException>(() => api.StartServer());

        Assert.That(ex!.Message, Does.Contain(named));
        api.DeleteData();
    }
}

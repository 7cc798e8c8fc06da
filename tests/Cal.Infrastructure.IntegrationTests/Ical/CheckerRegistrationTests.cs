using Cal.Application.Common.Interfaces;
using Cal.Infrastructure.Ical;
using Cal.Infrastructure.IntegrationTests.Support;

namespace Cal.Infrastructure.IntegrationTests.Ical;

/// <summary>The engine's own tests are unit tests (Cal.Infrastructure.UnitTests/Ical); here, that the host uses it.</summary>
public sealed class CheckerRegistrationTests
{
    [Test]
    public async Task TheRegisteredParser_IsTheStreamingChecker()
    {
        using var temp = new TempDirectory();
        await using var host = InfrastructureHost.Create(temp.Path);

        Assert.That(host.Get<IIcsFeedChecker>(), Is.TypeOf<IcsStreamingChecker>());
    }
}

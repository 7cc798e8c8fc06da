using Cal.Application.Common.Behaviours;
using Cal.Testing;
using Mediator;

namespace Cal.Application.UnitTests.Common.Behaviours;

public sealed class LoggingBehaviourTests
{
    public sealed record SecretCommand(string Url) : ICommand<int>;

    [Test]
    public async Task Handle_ReturnsWhatNextReturns_AndLogsTheUseCaseName()
    {
        var logger = new ListLogger<LoggingBehaviour<SecretCommand, int>>();
        var behaviour = new LoggingBehaviour<SecretCommand, int>(logger);

        var result = await behaviour.Handle(
            new SecretCommand("https://a.example/s3cr3t.ics"),
            (_, _) => ValueTask.FromResult(5),
            CancellationToken.None
        );

        Assert.Multiple(() =>
        {
            Assert.That(result, Is.EqualTo(5));
            Assert.That(logger.AllText, Does.Contain(nameof(SecretCommand)));
        });
    }

    [Test]
    public void Handle_NeverLogsTheMessageItself()
    {
        var logger = new ListLogger<LoggingBehaviour<SecretCommand, int>>();
        var behaviour = new LoggingBehaviour<SecretCommand, int>(logger);

        Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await behaviour.Handle(
                new SecretCommand("https://a.example/s3cr3t.ics"),
                (_, _) => throw new InvalidOperationException("boom"),
                CancellationToken.None
            )
        );

        Assert.Multiple(() =>
        {
            Assert.That(logger.Entries, Is.Not.Empty, "the duration is logged even when the use case fails");
            Assert.That(logger.AllText, Does.Not.Contain("s3cr3t"));
        });
    }
}

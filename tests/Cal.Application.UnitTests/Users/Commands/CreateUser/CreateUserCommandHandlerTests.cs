using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.UnitTests.TestSupport;
using Cal.Application.Users.Commands.CreateUser;
using Cal.Application.Users.Common;
using Cal.Domain.Users;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace Cal.Application.UnitTests.Users.Commands.CreateUser;

public sealed class CreateUserCommandHandlerTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private Mock<IUserRepository> users = null!;
    private List<User> added = null!;

    [SetUp]
    public void SetUp()
    {
        added = [];
        users = new Mock<IUserRepository>();
        users
            .Setup(u => u.AddAsync(It.IsAny<User>(), It.IsAny<CancellationToken>()))
            .Callback<User, CancellationToken>((user, _) => added.Add(user.WithId(17)))
            .Returns(Task.CompletedTask);
    }

    private CreateUserCommandHandler CreateHandler() => new(users.Object, new FakeTimeProvider(Now), TestMapper.Instance);

    [Test]
    public async Task Handle_AddsTheUser_AndReturnsItWithItsNewId()
    {
        var dto = await CreateHandler()
            .Handle(new CreateUserCommand("Alice@Example.com", "Europe/Berlin", "Alice"), CancellationToken.None);

        var user = added.Single();
        Assert.Multiple(() =>
        {
            Assert.That(dto, Is.EqualTo(new UserDto(17, "alice@example.com", "Europe/Berlin")));
            Assert.That(user.Email, Is.EqualTo("alice@example.com"));
            Assert.That(user.Name, Is.EqualTo("Alice"));
            Assert.That(user.CreatedAt, Is.EqualTo(Now));
        });
    }

    [Test]
    public async Task Handle_WithoutTimeZone_UsesTheDefault()
    {
        var dto = await CreateHandler().Handle(new CreateUserCommand("alice@example.com", null), CancellationToken.None);

        Assert.That(dto.TimeZone, Is.EqualTo("Europe/London"));
    }

    [Test]
    public async Task Handle_StoresTheNormalisedEmail_WhoseUniquenessTheRepositoryDecides()
    {
        await CreateHandler().Handle(new CreateUserCommand("  ALICE@example.com ", null), CancellationToken.None);

        Assert.That(added.Single().Email, Is.EqualTo("alice@example.com"));
        users.Verify(u => u.AddAsync(It.IsAny<User>(), It.IsAny<CancellationToken>()), Times.Once);
        users.VerifyNoOtherCalls();
    }

    [Test]
    public void Handle_WithTakenEmail_IsTheRepositorysConflict()
    {
        users
            .Setup(u => u.AddAsync(It.IsAny<User>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ConflictException("A user with email alice@example.com already exists."));

        var conflict = Assert.ThrowsAsync<ConflictException>(async () =>
            await CreateHandler().Handle(new CreateUserCommand("Alice@Example.com", null), CancellationToken.None)
        );

        Assert.That(conflict!.Message, Does.Contain("alice@example.com"));
    }
}

using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.UnitTests.TestSupport;
using Cal.Domain.Users;
using Moq;

namespace Cal.Application.UnitTests.Platform.ManagedUsers.Queries.GetManagedUser;

public sealed class GetManagedUserQueryHandlerTests : PlatformHandlerTestBase
{
    [Test]
    public async Task GetManagedUser_AnotherClientsUser_IsNotFound()
    {
        var users = new Mock<IUserRepository>();
        users
            .Setup(u => u.FindByIdAsync(42, It.IsAny<CancellationToken>()))
            .ReturnsAsync(User.CreateManaged(2, "x+clother@example.com", null, null, Clock.GetUtcNow()).WithId(42));
        users
            .Setup(u => u.FindByIdAsync(43, It.IsAny<CancellationToken>()))
            .ReturnsAsync(User.CreateManaged(1, "y+clacme@example.com", null, null, Clock.GetUtcNow()).WithId(43));
        var handler = new Cal.Application.Platform.ManagedUsers.Queries.GetManagedUser.GetManagedUserQueryHandler(
            users.Object,
            TestMapper.Instance
        );

        Assert.ThrowsAsync<NotFoundException>(async () => await handler.Handle(new(Client, 42), CancellationToken.None));
        Assert.That((await handler.Handle(new(Client, 43), CancellationToken.None)).Email, Is.EqualTo("y+clacme@example.com"));
    }
}

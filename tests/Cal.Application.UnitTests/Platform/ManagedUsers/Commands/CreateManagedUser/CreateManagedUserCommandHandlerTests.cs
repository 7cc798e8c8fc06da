using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.Platform.ManagedUsers.Commands.CreateManagedUser;
using Cal.Application.Platform.ManagedUsers.Common;
using Cal.Application.UnitTests.TestSupport;
using Cal.Domain.Platform;
using Cal.Domain.Users;
using Moq;

namespace Cal.Application.UnitTests.Platform.ManagedUsers.Commands.CreateManagedUser;

public sealed class CreateManagedUserCommandHandlerTests : PlatformHandlerTestBase
{
    [Test]
    public async Task CreateManagedUser_StoresTheUserAndItsFirstPairTogether_WithCalComsEmail()
    {
        User? stored = null;
        ManagedUserTokens? first = null;
        Tokens
            .Setup(t =>
                t.AddUserWithTokensAsync(It.IsAny<User>(), It.IsAny<Func<User, ManagedUserTokens>>(), It.IsAny<CancellationToken>())
            )
            .Callback<User, Func<User, ManagedUserTokens>, CancellationToken>((u, f, _) => first = f((stored = u).WithId(42)))
            .Returns(Task.CompletedTask);
        var schedules = new Mock<IScheduleRepository>();
        Domain.Schedules.Schedule? schedule = null;
        schedules
            .Setup(r => r.AddAsync(It.IsAny<Domain.Schedules.Schedule>(), true, It.IsAny<CancellationToken>()))
            .Callback<Domain.Schedules.Schedule, bool, CancellationToken>((s, _, _) => schedule = s.WithId(5))
            .Returns(Task.CompletedTask);
        var handler = new CreateManagedUserCommandHandler(
            Tokens.Object,
            schedules.Object,
            Secrets.Object,
            Issuer(),
            Clock,
            TestMapper.Instance
        );

        var created = await handler.Handle(
            new CreateManagedUserCommand(Client, "Ann@Example.com", "Asia/Tokyo", " Ann "),
            CancellationToken.None
        );

        Assert.That(
            created.User,
            Is.EqualTo(
                new ManagedUserDto(
                    42,
                    "ann+clacme@example.com",
                    "ann-clacme-example-com",
                    "Ann",
                    null,
                    "Asia/Tokyo",
                    "Sunday",
                    Clock.GetUtcNow().UtcDateTime,
                    12,
                    5,
                    null,
                    null,
                    null
                )
            )
        );
        Assert.That(
            (schedule!.UserId, schedule.TimeZone, schedule.Availability.Single().Days.Count),
            Is.EqualTo((42, "Asia/Tokyo", 5)),
            "a default schedule in the user's zone, Monday to Friday"
        );
        Assert.That((stored!.OAuthClientId, first!.UserId, first.OAuthClientId, first.FamilyId), Is.EqualTo(((int?)1, 42, 1, "fam")));
        Assert.That(created.Tokens.AccessTokenExpiresAt, Is.EqualTo(Clock.GetUtcNow().AddHours(1).ToUnixTimeMilliseconds()));
    }

    [Test]
    public void CreateManagedUser_ExistingEmail_IsTheRepositorysConflict_AndNoTokenIsIssued()
    {
        Tokens
            .Setup(t =>
                t.AddUserWithTokensAsync(It.IsAny<User>(), It.IsAny<Func<User, ManagedUserTokens>>(), It.IsAny<CancellationToken>())
            )
            .ThrowsAsync(new ConflictException("A managed user with this email already exists for this OAuth client."));
        var issued = 0;
        Secrets.Setup(s => s.NewFamilyId()).Callback(() => issued++).Returns("fam");
        var handler = new CreateManagedUserCommandHandler(
            Tokens.Object,
            new Mock<IScheduleRepository>().Object,
            Secrets.Object,
            Issuer(),
            Clock,
            TestMapper.Instance
        );

        Assert.ThrowsAsync<ConflictException>(async () =>
            await handler.Handle(new CreateManagedUserCommand(Client, "ann@example.com", null, null), CancellationToken.None)
        );
        Assert.That(issued, Is.Zero, "the first pair is issued only once the user is stored");
    }
}

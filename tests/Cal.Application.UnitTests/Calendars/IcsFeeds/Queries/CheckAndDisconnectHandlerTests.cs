using AutoMapper;
using Cal.Application.Calendars.Common;
using Cal.Application.Calendars.IcsFeeds.Commands.DisconnectIcsFeed;
using Cal.Application.Calendars.IcsFeeds.Common;
using Cal.Application.Calendars.IcsFeeds.Queries.CheckIcsFeed;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Application.UnitTests.TestSupport;
using Cal.Domain.Calendars;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace Cal.Application.UnitTests.Calendars.IcsFeeds.Queries;

public sealed class CheckAndDisconnectHandlerTests
{
    private static readonly IMapper Mapper = new MapperConfiguration(cfg => cfg.AddProfile<IcsFeedsMappingProfile>(), NullLoggerFactory.Instance).CreateMapper();

    private Mock<ICredentialRepository> credentials = null!;
    private Mock<ICalendarProvider> provider = null!;

    [SetUp]
    public void SetUp()
    {
        credentials = new Mock<ICredentialRepository>();
        provider = new Mock<ICalendarProvider>();
        provider.Setup(p => p.Integration).Returns(new CalendarIntegration(CalendarApps.IcsFeed.Type, "ics-feed", "ics-feed", "ICS Feed"));
    }

    private CheckIcsFeedQueryHandler Check() => new(credentials.Object, new CalendarProviders([provider.Object]));

    [Test]
    public void Check_WithoutCredential_IsCalComsBadRequest()
    {
        var ex = Assert.ThrowsAsync<BadRequestException>(async () => await Check().Handle(new CheckIcsFeedQuery(7), CancellationToken.None));
        Assert.That(ex!.Message, Is.EqualTo("Credentials for Ics Feed calendar not found."));
    }

    [Test]
    public void Check_InvalidCredential_IsCalComsBadRequest_WithoutContactingTheFeeds()
    {
        var invalid = Credential.ForIcsFeed(7, "k").WithId(1);
        invalid.MarkInvalid();
        credentials.Setup(c => c.FindByUserAndTypeAsync(7, CalendarApps.IcsFeed.Type, It.IsAny<CancellationToken>())).ReturnsAsync(invalid);

        var ex = Assert.ThrowsAsync<BadRequestException>(async () => await Check().Handle(new CheckIcsFeedQuery(7), CancellationToken.None));

        Assert.That(ex!.Message, Is.EqualTo("Invalid Ics Feed credentials."));
        provider.Verify(p => p.CheckConnectionAsync(It.IsAny<Credential>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Test]
    public void Check_FailingFeed_IsUnavailableDuringCheck_WithItsIndex()
    {
        credentials.Setup(c => c.FindByUserAndTypeAsync(7, CalendarApps.IcsFeed.Type, It.IsAny<CancellationToken>())).ReturnsAsync(Credential.ForIcsFeed(7, "k").WithId(4));
        provider.Setup(p => p.CheckConnectionAsync(It.IsAny<Credential>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ConnectionCheck(false, 2, new FeedFailure(FeedFailureReason.Timeout, "slow")));

        var ex = Assert.ThrowsAsync<CalendarUnavailableException>(async () => await Check().Handle(new CheckIcsFeedQuery(7), CancellationToken.None));

        Assert.That((ex!.CredentialId, ex.CalendarIndex, ex.DuringCheck), Is.EqualTo((4, 2, true)));
    }

    [Test]
    public async Task Disconnect_OwnCredential_DeletesAndReturnsIt()
    {
        credentials.Setup(c => c.FindForUserAsync(7, 5, It.IsAny<CancellationToken>())).ReturnsAsync(Credential.ForIcsFeed(7, "k").WithId(5));
        credentials.Setup(c => c.DeleteForUserAsync(7, 5, It.IsAny<CancellationToken>())).ReturnsAsync(true);

        var result = await new DisconnectIcsFeedCommandHandler(credentials.Object, Mapper).Handle(new DisconnectIcsFeedCommand(7, 5), CancellationToken.None);

        Assert.That((result.Id, result.UserId, result.Type), Is.EqualTo((5, 7, "ics-feed_calendar")));
        credentials.Verify(c => c.DeleteForUserAsync(7, 5, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public void Disconnect_SomeoneElsesOrUnknownCredential_IsNotFound_AndDeletesNothing()
    {
        Assert.ThrowsAsync<NotFoundException>(async () => await new DisconnectIcsFeedCommandHandler(credentials.Object, Mapper).Handle(new DisconnectIcsFeedCommand(7, 5), CancellationToken.None));
        credentials.Verify(c => c.DeleteForUserAsync(It.IsAny<int>(), It.IsAny<int>(), It.IsAny<CancellationToken>()), Times.Never);
    }
}

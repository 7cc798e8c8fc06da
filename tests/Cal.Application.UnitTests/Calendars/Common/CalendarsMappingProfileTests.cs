using AutoMapper;
using Cal.Application.Calendars.Common;
using Cal.Application.UnitTests.TestSupport;
using Cal.Domain.Calendars;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cal.Application.UnitTests.Calendars.Common;

public sealed class CalendarsMappingProfileTests
{
    private static MapperConfiguration Configuration() => new(cfg => cfg.AddProfile<CalendarsMappingProfile>(), NullLoggerFactory.Instance);

    [Test]
    public void Configuration_IsValid()
    {
        Assert.That(() => Configuration().AssertConfigurationIsValid(), Throws.Nothing);
    }

    [Test]
    public void Map_CredentialToDto_CopiesEveryField()
    {
        var credential = Credential
            .ForIcsFeed(7, "secret")
            .WithId(42)
            .With(nameof(Credential.TeamId), 9)
            .With(nameof(Credential.Invalid), true);

        var dto = Configuration().CreateMapper().Map<CalendarCredentialDto>(credential);

        Assert.That(
            dto,
            Is.EqualTo(
                new CalendarCredentialDto
                {
                    Id = 42,
                    Type = "ics-feed_calendar",
                    UserId = 7,
                    TeamId = 9,
                    AppId = "ics-feed",
                    Invalid = true,
                }
            )
        );
    }
}

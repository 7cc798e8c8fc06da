using System.Net;
using System.Text.Json;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Compatibility;

/// <summary>
/// cal.com's <c>ManagedUserOutput</c> (#21.2): every field, in cal.com's order, stored from creation and update;
/// <c>emails</c> filters the list (with or without the <c>+clientId</c> part); a duplicate names the existing user's id.
/// </summary>
public sealed class ManagedUserShapeTests
{
    private CalApiFactory api = null!;
    private HttpClient platform = null!;
    private string clientId = null!;

    [SetUp]
    public async Task SetUp()
    {
        api = new CalApiFactory();
        var (code, stdout, stderr) = await api.AdminAsync("oauth-clients", "create", "--name", "Shapes");
        Assert.That(code, Is.Zero, stderr);
        var created = JsonDocument.Parse(stdout).RootElement;
        clientId = created.GetProperty("clientId").GetString()!;
        platform = api.CreateClient();
        platform.DefaultRequestHeaders.Add("x-cal-secret-key", created.GetProperty("secret").GetString());
    }

    [TearDown]
    public async Task TearDown()
    {
        platform.Dispose();
        await api.DisposeAsync();
        api.DeleteData();
    }

    private async Task<HttpResponseMessage> CreateAsync(object body) =>
        await platform.PostAsync($"/v2/oauth-clients/{clientId}/users", Json.Body(body));

    [Test]
    public async Task Creation_StoresAndReturnsEveryField_InCalComsOrder()
    {
        var response = await CreateAsync(
            new
            {
                email = "Carla@Example.com",
                name = "Carla",
                timeZone = "Europe/Rome",
                timeFormat = 24,
                weekStart = "Monday",
                locale = "it",
                avatarUrl = "https://cdn.example.com/carla.png",
                bio = "Sales",
                metadata = new
                {
                    plan = "pro",
                    seats = 3,
                    trial = false,
                },
            }
        );
        var user = (await Json.ReadAsync(response)).GetProperty("data").GetProperty("user");
        var read = (
            await Json.ReadAsync(await platform.GetAsync($"/v2/oauth-clients/{clientId}/users/{user.GetProperty("id").GetInt32()}"))
        ).GetProperty("data");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(
            read.EnumerateObject().Select(p => p.Name),
            Is.EqualTo(
                new[]
                {
                    "id",
                    "email",
                    "username",
                    "name",
                    "bio",
                    "timeZone",
                    "weekStart",
                    "createdDate",
                    "timeFormat",
                    "defaultScheduleId",
                    "locale",
                    "avatarUrl",
                    "metadata",
                }
            )
        );
        Assert.That(read.GetProperty("email").GetString(), Is.EqualTo($"carla+{clientId}@example.com"));
        Assert.That(
            read.GetProperty("username").GetString(),
            Is.EqualTo($"carla-{clientId.ToLowerInvariant()}-example-com"),
            "cal.com's slugified email"
        );
        Assert.That(
            (read.GetProperty("bio").GetString(), read.GetProperty("weekStart").GetString(), read.GetProperty("timeFormat").GetInt32()),
            Is.EqualTo(("Sales", "Monday", 24))
        );
        Assert.That(
            (read.GetProperty("locale").GetString(), read.GetProperty("avatarUrl").GetString()),
            Is.EqualTo(("it", "https://cdn.example.com/carla.png"))
        );
        Assert.That(
            read.GetProperty("defaultScheduleId").ValueKind,
            Is.EqualTo(JsonValueKind.Number),
            "created with a time zone: a default schedule, as cal.com"
        );
        Assert.That(read.GetProperty("metadata").GetRawText(), Is.EqualTo("""{"plan":"pro","seats":3,"trial":false}"""));
    }

    [Test]
    public async Task Defaults_AreCalComs_AndAnUpdateChangesOnlyWhatIsGiven()
    {
        var user = (await Json.ReadAsync(await CreateAsync(new { email = "dan@example.com" }))).GetProperty("data").GetProperty("user");
        Assert.That(
            (
                user.GetProperty("weekStart").GetString(),
                user.GetProperty("timeFormat").GetInt32(),
                user.GetProperty("timeZone").GetString()
            ),
            Is.EqualTo(("Sunday", 12, "Europe/London"))
        );
        Assert.That(
            user.GetProperty("defaultScheduleId").ValueKind,
            Is.EqualTo(JsonValueKind.Null),
            "no time zone given: no schedule, as cal.com"
        );

        var patched = (
            await Json.ReadAsync(
                await platform.PatchAsync(
                    $"/v2/oauth-clients/{clientId}/users/{user.GetProperty("id").GetInt32()}",
                    Json.Body(new { weekStart = "Wednesday", metadata = new { tier = "gold" } })
                )
            )
        ).GetProperty("data");

        Assert.That(
            (patched.GetProperty("weekStart").GetString(), patched.GetProperty("timeFormat").GetInt32()),
            Is.EqualTo(("Wednesday", 12))
        );
        Assert.That(patched.GetProperty("metadata").GetProperty("tier").GetString(), Is.EqualTo("gold"));
    }

    [TestCase("timeFormat", 13)]
    [TestCase("weekStart", "Someday")]
    [TestCase("locale", "English please")]
    [TestCase("avatarUrl", "javascript:alert(1)")]
    public async Task BadProfileFields_Are400UnderTheirNames(string field, object value)
    {
        var body = new Dictionary<string, object> { ["email"] = "erin@example.com", [field] = value };

        var error = await Json.AssertErrorEnvelopeAsync(await CreateAsync(body), 400, "BadRequestException");

        Assert.That(Json.ErrorFields(error), Is.EqualTo(new[] { field }));
    }

    [Test]
    public async Task Metadata_OverCalComsLimits_Is400()
    {
        var tooMany = Enumerable.Range(0, 51).ToDictionary(i => $"k{i}", i => (object)i);

        var error = await Json.AssertErrorEnvelopeAsync(
            await CreateAsync(new { email = "fay@example.com", metadata = tooMany }),
            400,
            "BadRequestException"
        );

        Assert.That(Json.ErrorFields(error), Is.EqualTo(new[] { "metadata" }));
    }

    [Test]
    public async Task Emails_FilterTheList_WithOrWithoutThePlusClientIdPart()
    {
        foreach (var name in new[] { "gus", "hal", "ivy" })
        {
            Assert.That((await CreateAsync(new { email = $"{name}@example.com" })).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        var list = await Json.ReadAsync(
            await platform.GetAsync($"/v2/oauth-clients/{clientId}/users?emails=gus@example.com,ivy+{clientId}@example.com")
        );
        var repeated = await Json.ReadAsync(
            await platform.GetAsync($"/v2/oauth-clients/{clientId}/users?emails=hal@example.com&emails=nobody@example.com")
        );

        Assert.That(
            list.GetProperty("data").EnumerateArray().Select(u => u.GetProperty("email").GetString()),
            Is.EqualTo(new[] { $"gus+{clientId}@example.com", $"ivy+{clientId}@example.com" })
        );
        Assert.That(
            repeated.GetProperty("data").EnumerateArray().Select(u => u.GetProperty("email").GetString()),
            Is.EqualTo(new[] { $"hal+{clientId}@example.com" })
        );
    }

    [Test]
    public async Task ADuplicate_Is409_NamingTheExistingUsersId_AsCalComsMessageDoes()
    {
        var first = (await Json.ReadAsync(await CreateAsync(new { email = "jo@example.com" })))
            .GetProperty("data")
            .GetProperty("user")
            .GetProperty("id")
            .GetInt32();

        var error = await Json.AssertErrorEnvelopeAsync(await CreateAsync(new { email = "JO@example.com" }), 409, "ConflictException");

        Assert.That(
            error.GetProperty("message").GetString(),
            Is.EqualTo($"User with the provided e-mail already exists. Existing user ID={first}")
        );
    }
}

using System.Net;
using System.Text.Json;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Availability;

/// <summary>cal.com's schedules (2024-06-11, #17.1): CRUD, one default per user, the owner's only, a managed user's default.</summary>
public sealed class SchedulesTests
{
    private CalApiFactory api = null!;
    private HttpClient client = null!;

    [SetUp]
    public async Task SetUp()
    {
        api = new CalApiFactory();
        var (_, key) = await api.CreateUserWithKeyAsync();
        client = api.CreateAuthorizedClient(key);
        client.DefaultRequestHeaders.Add("cal-api-version", "2024-06-11");
    }

    [TearDown]
    public async Task TearDown()
    {
        client.Dispose();
        await api.DisposeAsync();
        api.DeleteData();
    }

    private async Task<JsonElement> CreateAsync(object body, HttpClient? as_ = null)
    {
        var response = await (as_ ?? client).PostAsync("/v2/schedules", Json.Body(body));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await Json.ReadAsync(response)).GetProperty("data");
    }

    [Test]
    public async Task Create_WithoutHours_IsMondayToFriday9To5_InCalComsShape_AndTheFirstIsTheDefault()
    {
        var created = await CreateAsync(
            new
            {
                name = "Work",
                timeZone = "Europe/Rome",
                isDefault = false,
            }
        );

        Assert.That(
            created.EnumerateObject().Select(p => p.Name),
            Is.EqualTo(new[] { "id", "ownerId", "name", "timeZone", "availability", "isDefault", "overrides" })
        );
        Assert.That(
            created.GetProperty("availability").GetRawText(),
            Is.EqualTo("""[{"days":["Monday","Tuesday","Wednesday","Thursday","Friday"],"startTime":"09:00","endTime":"17:00"}]""")
        );
        Assert.That(
            (
                created.GetProperty("name").GetString(),
                created.GetProperty("timeZone").GetString(),
                created.GetProperty("isDefault").GetBoolean()
            ),
            Is.EqualTo(("Work", "Europe/Rome", true)),
            "a user's first schedule is their default"
        );
        var byDefault = (await Json.ReadAsync(await client.GetAsync("/v2/schedules/default"))).GetProperty("data");
        Assert.That(byDefault.GetProperty("id").GetInt32(), Is.EqualTo(created.GetProperty("id").GetInt32()));
    }

    [Test]
    public async Task OneDefaultPerUser_AndListGetPatchDelete()
    {
        var first = await CreateAsync(
            new
            {
                name = "A",
                timeZone = "UTC",
                isDefault = true,
            }
        );
        var second = await CreateAsync(
            new
            {
                name = "B",
                timeZone = "America/New_York",
                isDefault = true,
                availability = new[]
                {
                    new
                    {
                        days = new[] { "Saturday" },
                        startTime = "10:00",
                        endTime = "14:00",
                    },
                },
                overrides = new[]
                {
                    new
                    {
                        date = "2026-12-24",
                        startTime = "00:00",
                        endTime = "00:00",
                    },
                },
            }
        );

        var list = (await Json.ReadAsync(await client.GetAsync("/v2/schedules"))).GetProperty("data").EnumerateArray().ToList();
        Assert.That(
            list.Select(s => (s.GetProperty("name").GetString(), s.GetProperty("isDefault").GetBoolean())),
            Is.EqualTo(new[] { ("A", false), ("B", true) })
        );
        Assert.That(
            second.GetProperty("overrides")[0].GetRawText(),
            Is.EqualTo("""{"date":"2026-12-24","startTime":"00:00","endTime":"00:00"}""")
        );

        var patched = (
            await Json.ReadAsync(
                await client.PatchAsync(
                    $"/v2/schedules/{first.GetProperty("id").GetInt32()}",
                    Json.Body(new { name = "A2", isDefault = true })
                )
            )
        ).GetProperty("data");
        Assert.That(
            (
                patched.GetProperty("name").GetString(),
                patched.GetProperty("timeZone").GetString(),
                patched.GetProperty("isDefault").GetBoolean()
            ),
            Is.EqualTo(("A2", "UTC", true))
        );
        var read = (await Json.ReadAsync(await client.GetAsync($"/v2/schedules/{second.GetProperty("id").GetInt32()}"))).GetProperty(
            "data"
        );
        Assert.That(read.GetProperty("isDefault").GetBoolean(), Is.False, "one default per user");

        var deleted = await client.DeleteAsync($"/v2/schedules/{first.GetProperty("id").GetInt32()}");
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Json.AssertErrorEnvelopeAsync(
            await client.GetAsync($"/v2/schedules/{first.GetProperty("id").GetInt32()}"),
            404,
            "NotFoundException"
        );
        Assert.That(
            (await Json.ReadAsync(await client.GetAsync("/v2/schedules/default"))).GetProperty("data").ValueKind,
            Is.EqualTo(JsonValueKind.Null),
            "the default was deleted"
        );
    }

    [Test]
    public async Task AnotherUsersSchedule_Is403_AndAnUnknownOne404()
    {
        var mine = await CreateAsync(new { name = "Mine", timeZone = "UTC" });
        var (_, otherKey) = await api.CreateUserWithKeyAsync();
        using var other = api.CreateAuthorizedClient(otherKey);
        var id = mine.GetProperty("id").GetInt32();

        await Json.AssertErrorEnvelopeAsync(await other.GetAsync($"/v2/schedules/{id}"), 403, "ForbiddenException");
        await Json.AssertErrorEnvelopeAsync(
            await other.PatchAsync($"/v2/schedules/{id}", Json.Body(new { name = "Theirs" })),
            403,
            "ForbiddenException"
        );
        await Json.AssertErrorEnvelopeAsync(await other.DeleteAsync($"/v2/schedules/{id}"), 403, "ForbiddenException");
        await Json.AssertErrorEnvelopeAsync(await client.GetAsync("/v2/schedules/424242"), 404, "NotFoundException");
    }

    [Test]
    public async Task BadInput_Is400UnderEachField()
    {
        var response = await client.PostAsync(
            "/v2/schedules",
            Json.Body(
                new
                {
                    name = "",
                    timeZone = "Mars/Olympus",
                    availability = new[]
                    {
                        new
                        {
                            days = new[] { "Funday" },
                            startTime = "17:00",
                            endTime = "09:00",
                        },
                    },
                    overrides = new[]
                    {
                        new
                        {
                            date = "24.12.2026",
                            startTime = "09:00",
                            endTime = "12:00",
                        },
                    },
                }
            )
        );

        var error = await Json.AssertErrorEnvelopeAsync(response, 400, "BadRequestException");

        Assert.That(
            Json.ErrorFields(error),
            Is.EquivalentTo(new[] { "name", "timeZone", "availability[0].days", "availability[0]", "overrides[0].date" })
        );
    }

    [Test]
    public async Task AManagedUserCreatedWithATimeZone_HasADefaultSchedule_NamedInDefaultScheduleId()
    {
        var (code, stdout, _) = await api.AdminAsync("oauth-clients", "create", "--name", "Schedules");
        Assert.That(code, Is.Zero);
        var oauth = JsonDocument.Parse(stdout).RootElement;
        using var platform = api.CreateClient();
        platform.DefaultRequestHeaders.Add("x-cal-secret-key", oauth.GetProperty("secret").GetString());
        var created = (
            await Json.ReadAsync(
                await platform.PostAsync(
                    $"/v2/oauth-clients/{oauth.GetProperty("clientId").GetString()}/users",
                    Json.Body(new { email = "s@example.com", timeZone = "Asia/Tokyo" })
                )
            )
        ).GetProperty("data");
        using var managed = api.CreateAuthorizedClient(created.GetProperty("accessToken").GetString()!);

        var schedule = (await Json.ReadAsync(await managed.GetAsync("/v2/schedules/default"))).GetProperty("data");

        Assert.That(
            created.GetProperty("user").GetProperty("defaultScheduleId").GetInt32(),
            Is.EqualTo(schedule.GetProperty("id").GetInt32())
        );
        Assert.That(
            (schedule.GetProperty("timeZone").GetString(), schedule.GetProperty("isDefault").GetBoolean()),
            Is.EqualTo(("Asia/Tokyo", true))
        );
    }
}

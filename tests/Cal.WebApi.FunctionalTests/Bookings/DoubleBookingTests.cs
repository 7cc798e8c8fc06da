using System.Net;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Bookings;

/// <summary>
/// Issue #31.3 and .4: no double booking, decided by the database as it inserts (50 concurrent requests for one free slot:
/// exactly one 201, twenty times over, on SQLite and on PostgreSQL), 50 different slots of one host all booked without
/// overlap, and <c>Idempotency-Key</c>: the same key and body is the same booking, however many at once.
/// </summary>
[NonParallelizable]
public sealed class DoubleBookingTests
{
    private const int Concurrent = 50;

    private static async Task<(CalApiFactory Api, int EventTypeId)> StartAsync(PostgresServer? postgres = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["RateLimiting:PermitLimit"] = "100000",
            ["AnonymousAvailability:PermitLimitPerHost"] = "100000",
        };
        if (postgres is not null)
        {
            settings["Database:Provider"] = "Postgres";
            settings["ConnectionStrings:Default"] = postgres.ConnectionString("cal_" + Guid.NewGuid().ToString("N")[..8]);
        }

        var api = new CalApiFactory(overrides: settings);
        var (_, key) = await api.CreateUserWithKeyAsync();
        using var host = api.CreateAuthorizedClient(key);
        Assert.That(
            (
                await host.PostAsync(
                    "/v2/schedules",
                    Json.Body(
                        new
                        {
                            name = "Always",
                            timeZone = "UTC",
                            isDefault = true,
                            availability = new[]
                            {
                                new
                                {
                                    days = new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" },
                                    startTime = "00:00",
                                    endTime = "23:59",
                                },
                            },
                        }
                    )
                )
            ).StatusCode,
            Is.EqualTo(HttpStatusCode.Created)
        );
        var eventType = await Json.ReadAsync(
            await host.PostAsync(
                "/v2/event-types",
                Json.Body(
                    new
                    {
                        title = "Call",
                        slug = "call",
                        lengthInMinutes = 30,
                        beforeEventBuffer = 5,
                        afterEventBuffer = 5,
                    }
                )
            )
        );
        return (api, eventType.GetProperty("data").GetProperty("id").GetInt32());
    }

    private static StringContent Booking(int eventTypeId, DateTimeOffset start, int who) =>
        Json.Body(
            new
            {
                start = start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
                eventTypeId,
                attendee = new
                {
                    name = $"Booker {who}",
                    email = $"booker{who}@example.org",
                    timeZone = "UTC",
                },
            }
        );

    private static async Task<List<HttpStatusCode>> RaceAsync(CalApiFactory api, Func<int, HttpRequestMessage> request)
    {
        using var start = new ManualResetEventSlim();
        var clients = Enumerable.Range(0, Concurrent).Select(_ => api.CreateClient()).ToList();
        try
        {
            var tasks = clients
                .Select(
                    (client, i) =>
                        Task.Run(async () =>
                        {
                            start.Wait();
                            using var response = await client.SendAsync(request(i));
                            return response.StatusCode;
                        })
                )
                .ToList();
            start.Set();
            return [.. await Task.WhenAll(tasks)];
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private static async Task FiftyForOneSlot_ExactlyOneWins_TwentyTimesAsync(CalApiFactory api, int eventTypeId)
    {
        var day = new DateTimeOffset(2027, 6, 7, 0, 0, 0, TimeSpan.Zero);
        for (var round = 0; round < 20; round++)
        {
            var slot = day.AddHours(round);
            var statuses = await RaceAsync(
                api,
                i => new HttpRequestMessage(HttpMethod.Post, "/v2/bookings") { Content = Booking(eventTypeId, slot, i) }
            );

            Assert.That(
                statuses.Count(s => s == HttpStatusCode.Created),
                Is.EqualTo(1),
                $"round {round}: " + string.Join(",", statuses.GroupBy(s => s).Select(g => $"{(int)g.Key}x{g.Count()}"))
            );
            Assert.That(statuses.Where(s => s != HttpStatusCode.Created), Is.All.AnyOf(HttpStatusCode.BadRequest, HttpStatusCode.Conflict));
        }

        var accepted = await api.WithDbAsync(db =>
            Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Bookings)
        );
        Assert.That(accepted, Is.EqualTo(20), "one booking per slot in the database");
    }

    private static async Task FiftyDifferentSlots_AllBooked_NoneOverlappingAsync(CalApiFactory api, int eventTypeId)
    {
        // An hour apart: a 30-minute call with its 5 minutes before and after never meets the next.
        var day = new DateTimeOffset(2027, 6, 14, 0, 0, 0, TimeSpan.Zero);
        var statuses = await RaceAsync(
            api,
            i => new HttpRequestMessage(HttpMethod.Post, "/v2/bookings") { Content = Booking(eventTypeId, day.AddHours(i), i) }
        );

        Assert.That(statuses, Is.All.EqualTo(HttpStatusCode.Created));
        var blocks = await api.WithDbAsync(async db =>
            (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.Bookings))
                .Where(b => b.Start >= day)
                .OrderBy(b => b.BlockStart)
                .ToList()
        );
        Assert.That(blocks, Has.Count.EqualTo(Concurrent));
        Assert.That(blocks.Zip(blocks.Skip(1)).All(p => p.First.BlockEnd <= p.Second.BlockStart), Is.True, "no two blocks overlap");
    }

    [Test]
    public async Task OnSqlite_FiftyConcurrentBookingsOfOneSlot_ExactlyOneWins_TwentyTimes_AndFiftyDifferentSlotsAllWin()
    {
        var (api, eventTypeId) = await StartAsync();
        await using (api)
        {
            await FiftyForOneSlot_ExactlyOneWins_TwentyTimesAsync(api, eventTypeId);
            await FiftyDifferentSlots_AllBooked_NoneOverlappingAsync(api, eventTypeId);
        }

        api.DeleteData();
    }

    [Test]
    public async Task OnPostgres_FiftyConcurrentBookingsOfOneSlot_ExactlyOneWins_TwentyTimes_AndFiftyDifferentSlotsAllWin()
    {
        using var postgres = PostgresServer.StartOrIgnore();
        var (api, eventTypeId) = await StartAsync(postgres);
        await using (api)
        {
            await FiftyForOneSlot_ExactlyOneWins_TwentyTimesAsync(api, eventTypeId);
            await FiftyDifferentSlots_AllBooked_NoneOverlappingAsync(api, eventTypeId);
        }

        api.DeleteData();
    }

    [Test]
    public async Task IdempotencyKey_TheSameKeyAndBody_IsOneBooking_EvenTwentyAtOnce_AndAnotherBodyIs422()
    {
        var (api, eventTypeId) = await StartAsync();
        await using (api)
        {
            var slot = new DateTimeOffset(2027, 6, 21, 9, 0, 0, TimeSpan.Zero);
            HttpRequestMessage Request(string key, int who) =>
                new(HttpMethod.Post, "/v2/bookings")
                {
                    Content = Booking(eventTypeId, slot, who),
                    Headers = { { "Idempotency-Key", key } },
                };
            using var client = api.CreateClient();

            var first = await client.SendAsync(Request("key-1", 1));
            var repeat = await client.SendAsync(Request("key-1", 1));
            var otherBody = await client.SendAsync(Request("key-1", 2));

            Assert.That((first.StatusCode, repeat.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.Created)));
            Assert.That(
                (await Json.ReadAsync(repeat)).GetProperty("data").GetProperty("uid").GetString(),
                Is.EqualTo((await Json.ReadAsync(first)).GetProperty("data").GetProperty("uid").GetString())
            );
            await Json.AssertErrorEnvelopeAsync(otherBody, 422, "UnprocessableEntityException");

            // Twenty at once with one key: one booking; the others are the same booking or told it is in flight (409).
            var later = slot.AddHours(2);
            var statuses = await RaceAsync(
                api,
                _ => new HttpRequestMessage(HttpMethod.Post, "/v2/bookings")
                {
                    Content = Booking(eventTypeId, later, 7),
                    Headers = { { "Idempotency-Key", "key-2" } },
                }
            );
            Assert.That(statuses.Take(20).Concat(statuses.Skip(20)), Is.All.AnyOf(HttpStatusCode.Created, HttpStatusCode.Conflict));
            Assert.That(statuses, Has.Some.EqualTo(HttpStatusCode.Created));
            var bookings = await api.WithDbAsync(db =>
                Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Bookings)
            );
            Assert.That(bookings, Is.EqualTo(2), "one for key-1, one for key-2");
        }

        api.DeleteData();
    }
}

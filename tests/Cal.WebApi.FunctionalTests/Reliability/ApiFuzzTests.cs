using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Cal.Testing;
using Cal.WebApi.FunctionalTests.Infrastructure;

namespace Cal.WebApi.FunctionalTests.Reliability;

/// <summary>
/// 10,000 malformed or hostile requests, from a seeded generator, against every /v2 endpoint of the real
/// host: every answer is a 2xx for the few that happen to be valid, otherwise a 4xx in the error envelope;
/// never a 5xx, no connection ended abnormally, and a valid save still works afterwards. The generator is
/// a seeded <see cref="Random"/> rather than FsCheck: the inputs are raw HTTP (bytes, headers, methods),
/// not typed values to shrink, and one seed replays the whole run (it is printed with every failure).
/// </summary>
[NonParallelizable]
public sealed class ApiFuzzTests
{
    private const int Requests = 10_000;
    private const int Seed = 20261124;

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "FOO"];

    private static readonly string[] Calendars = ["caldav", "apple", "ics-feed", "google", "%ff", "CALDAV", new string('c', 500)];

    private static readonly string[] ContentTypes =
    [
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=utf-16",
        "application/xml",
        "garbage",
        "",
    ];

    private static readonly string[] Unicode =
    [
        "\\ud800",
        "\\udfff",
        "\\u0000",
        "\uFEFF",
        "\u200B",
        "\u202E",
        "😀",
        "\u0301\u0301\u0301",
        "Ω≈ç√∫",
        "\\u00e9",
        "ﷺ",
        "\uFFFF",
    ];

    [Test]
    public async Task TenThousandHostileRequests_NeverA5xx_AlwaysTheEnvelope_AndTheServerStillSaves()
    {
        await using var feeds = await IcsFeedServer.StartAsync();
        await using var api = new CalApiFactory(
            overrides: new Dictionary<string, string?>
            {
                ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}",
                ["RateLimiting:PermitLimit"] = "100000000",
                ["RateLimiting:AccessTokenPermitLimit"] = "100000000",
                ["RateLimiting:OAuthClientPermitLimit"] = "100000000",
                ["Outbound:FeedTimeout"] = "00:00:02",
            }
        );
        var (_, key) = await api.CreateUserWithKeyAsync();
        var (_, refreshKey) = await api.CreateUserWithKeyAsync(); // spent by the first refresh that succeeds; the main key stays valid
        var (_, clientJson, _) = await api.AdminAsync("oauth-clients", "create", "--name", "Fuzz");
        var oauth = JsonDocument.Parse(clientJson).RootElement;
        var clientId = oauth.GetProperty("clientId").GetString()!;
        var secret = oauth.GetProperty("secret").GetString()!;
        using var http = api.CreateClient();
        using var keepAliveHttp = api.CreateClient(); // its own connection pool
        var validFeed = feeds.AddFeed("valid.ics", IcsSamples.Simple("Valid"));

        var problems = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var next = -1;
        var keepAliveDrops = 0;
        await Task.WhenAll(
            Enumerable
                .Range(0, 16)
                .Select(async _ =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < Requests)
                    {
                        var random = new Random(unchecked((Seed * 10_007) + i)); // each request replayable on its own (HashCode.Combine is seeded per process: it was not)
                        using var request = Generate(random, key, refreshKey, clientId, secret, validFeed);

                        // Four in five on a connection of their own: a request refused before its body is read (401, 404,
                        // 415) may end its keep-alive connection after the answer, and a client that reuses it at that
                        // moment sees "response ended prematurely", a race of HTTP/1.1 keep-alive, not an answer to check.
                        // The fifth reuses connections: its drops are counted, and the server's log must stay clean.
                        var keepAlive = i % 5 == 0;
                        request.Headers.ConnectionClose = !keepAlive;
                        var description = $"#{i} {request.Method} {request.RequestUri}";
                        try
                        {
                            using var response = await (keepAlive ? keepAliveHttp : http).SendAsync(request);
                            var status = (int)response.StatusCode;
                            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                            var body = await response.Content.ReadAsStringAsync();
                            if (status >= 500)
                            {
                                problems.Enqueue($"{description}: {status} {Truncate(body)}");
                            }
                            else if (status >= 400 && request.Method != HttpMethod.Head && !IsEnvelope(body, status))
                            {
                                problems.Enqueue($"{description}: {status} not in the envelope: {Truncate(body)}");
                            }
                        }
                        catch (HttpRequestException) when (keepAlive)
                        {
                            Interlocked.Increment(ref keepAliveDrops);
                        }
                        catch (HttpRequestException ex)
                        {
                            problems.Enqueue(
                                $"{description}: connection failed ({request.Content?.Headers.ContentLength} body bytes, {request.Headers.Count()} headers): {ex.InnerException?.Message ?? ex.Message}"
                            );
                        }
                    }
                })
        );

        TestContext.Out.WriteLine(
            $"seed {Seed}: "
                + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))
                + $"; keep-alive requests dropped by the connection race: {keepAliveDrops}"
        );
        Assert.That(
            problems.Take(20),
            Is.Empty,
            $"seed {Seed}; first server errors: "
                + string.Join(
                    "\n",
                    api.Logs.Where(l =>
                            l.Contains("Unhandled", StringComparison.Ordinal)
                            || l.Contains("Kestrel", StringComparison.Ordinal)
                            || l.Contains("abnormally", StringComparison.Ordinal)
                        )
                        .Take(4)
                )
        );
        Assert.That(statuses.Values.Sum() + keepAliveDrops, Is.EqualTo(Requests));
        Assert.That(keepAliveDrops, Is.LessThan(Requests / 50), "drops are the rare race, not the rule");
        Assert.That(statuses.Keys.Count(s => s >= 400), Is.GreaterThanOrEqualTo(6), "the generator reaches many kinds of refusal");

        // Still serving: a valid save (by another user: the fuzzer's refresh calls may have rotated the first key).
        var (_, freshKey) = await api.CreateUserWithKeyAsync();
        using var client = api.CreateAuthorizedClient(freshKey);
        var save = await client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { validFeed } }));
        Assert.That(save.StatusCode, Is.EqualTo(HttpStatusCode.Created), await save.Content.ReadAsStringAsync());
        Assert.That(
            api.Logs,
            Has.None.Contains("ended abnormally")
                .And.None.Contains("Unhandled exception")
                .And.None.Contains("Reading is already in progress")
        );
    }

    private static bool IsEnvelope(string body, int status)
    {
        try
        {
            var json = JsonDocument.Parse(body).RootElement;
            return json.GetProperty("status").GetString() == "error"
                && json.GetProperty("error").GetProperty("code").GetString() is { Length: > 0 }
                && json.GetProperty("error").GetProperty("message").GetString() is { Length: > 0 }
                && json.TryGetProperty("timestamp", out _)
                && json.TryGetProperty("path", out _)
                && status is >= 400 and < 500;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];

    private static HttpRequestMessage Generate(
        Random random,
        string key,
        string refreshKey,
        string clientId,
        string secret,
        string validFeed
    )
    {
        var target = random.Next(18);
        var (method, path) = target switch
        {
            0 or 1 or 2 => ("POST", "/v2/calendars/ics-feed/save"),
            3 => ("GET", "/v2/calendars/ics-feed/check"),
            4 => ("GET", "/v2/calendars"),
            5 => ("POST", "/v2/calendars/ics-feed/disconnect"),
            6 => ("GET", "/v2/calendars/busy-times" + Query(random)),
            7 => ("POST", "/v2/api-keys/refresh"),
            8 => (
                "POST",
                random.Next(2) == 0
                    ? $"/v2/oauth-clients/{Pick(random, [clientId, "cl-nope", "%20", "%ff", new string('x', 300)])}/users"
                    : $"/v2/oauth/{clientId}/refresh"
            ),
            10 => (
                Pick(random, ["POST", "PATCH", "GET", "DELETE"]),
                Pick(
                    random,
                    [
                        "/v2/schedules",
                        "/v2/schedules/default",
                        "/v2/schedules/1",
                        "/v2/schedules/2147483647",
                        "/v2/schedules/-1",
                        "/v2/schedules/x",
                    ]
                )
            ),
            11 => (
                Pick(random, ["POST", "PATCH", "GET", "DELETE"]),
                Pick(random, ["/v2/event-types", "/v2/event-types/1", "/v2/event-types/99999999999", "/v2/event-types/%ff"])
            ),
            9 => Pick(random, ["POST", "GET", "POST"]) switch
            {
                "GET" => ("GET", $"/v2/calendars/{Pick(random, Calendars)}/check"),
                var post => (post, $"/v2/calendars/{Pick(random, Calendars)}/{Pick(random, ["credentials", "disconnect"])}"),
            },
            12 => ("GET", Pick(random, ["/v2/slots", "/v2/slots/available"]) + SlotsQuery(random)),
            14 => Pick(random, ["POST", "POST", "GET", "GET"]) switch
            {
                "GET" => (
                    "GET",
                    Pick(random, ["/v2/bookings", "/v2/bookings/x", "/v2/bookings/" + new string('u', 400), "/v2/bookings/%ff"])
                        + BookingsQuery(random)
                ),
                var post => (
                    post,
                    Pick(
                        random,
                        ["/v2/bookings", "/v2/bookings", "/v2/bookings/x/cancel", "/v2/bookings/x/reschedule", "/v2/bookings/%ff%fe/cancel"]
                    )
                ),
            },
            15 => (
                Pick(random, ["POST", "GET", "PATCH", "DELETE"]),
                Pick(random, ["/v2/slots/reservations", "/v2/slots/reservations/x", "/v2/slots/reservations/" + new string('r', 300)])
            ),
            16 => (Pick(random, ["PUT", "PUT", "GET"]), "/v2/destination-calendars"),
            17 => (
                Pick(random, ["POST", "POST", "GET", "PATCH", "DELETE"]),
                Pick(
                    random,
                    [
                        "/v2/webhooks",
                        "/v2/webhooks",
                        "/v2/webhooks/x",
                        "/v2/webhooks/" + new string('w', 300),
                        "/v2/webhooks/%ff",
                        "/v2/webhooks/x/deliveries",
                        "/v2/webhooks/x/deliveries/del_x/redeliver",
                        "/v2/event-types/1/webhooks",
                        "/v2/event-types/1/webhooks/x",
                        "/v2/event-types/99999999999/webhooks",
                        "/v2/event-types/-1/webhooks",
                    ]
                ) + Pick(random, ["", "", "?skip=-1&take=0", "?take=2147483648", "?skip=%ff&take=1e9"])
            ),
            13 => random.Next(2) == 0
                ? (
                    Pick(random, ["POST", "DELETE"]),
                    "/v2/selected-calendars"
                        + Pick(
                            random,
                            [
                                "",
                                "?integration=ics-feed_calendar&externalId=http%3A%2F%2Fx&credentialId=1",
                                "?credentialId=-5&externalId=",
                                "?integration=" + new string('i', 3000),
                            ]
                        )
                )
                : (
                    Pick(random, ["PATCH", "DELETE", "POST"]),
                    $"/v2/oauth-clients/{clientId}/users/{Pick(random, ["1", "2", "0", "-1", "2147483648"])}"
                        + Pick(random, ["", "/force-refresh"])
                ),
            _ => (
                Pick(random, Methods),
                Pick(
                    random,
                    [
                        "/v2/",
                        "/v2/calendars/../calendars",
                        "/v2/calendars/ics-feed/save/extra",
                        "/v2/%ff%fe",
                        "/v2/calendars?x=" + new string('a', 4000),
                        "/V2/CALENDARS",
                        "/v2/calendars/ics-feed/save;jsessionid=1",
                    ]
                )
            ),
        };
        if (random.Next(12) == 0)
        {
            method = Pick(random, Methods); // the right path, the wrong method
        }

        var request = new HttpRequestMessage(new HttpMethod(method), path);
        AddAuthorization(random, request, target == 7 ? refreshKey : key, secret);
        if (method is "POST" or "PUT" or "PATCH" || random.Next(8) == 0)
        {
            var content = new ByteArrayContent(Body(random, target, validFeed));
            var contentType = random.Next(10) < 6 ? "application/json" : Pick(random, ContentTypes);
            if (contentType.Length > 0)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }

            request.Content = content;
        }

        if (random.Next(6) == 0)
        {
            request.Headers.TryAddWithoutValidation(
                "X-Request-Id",
                Pick(random, ["", "../../etc/passwd", new string('r', 500), "id with spaces", "ok-id-1", "\t\t", "a\"b"])
            );
        }

        if (random.Next(10) == 0)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", Pick(random, ["1.2.3.4", "not-an-ip", "::1, 127.0.0.1", ""]));
        }

        if (random.Next(20) == 0)
        {
            request.Headers.TryAddWithoutValidation("X-Huge", new string('h', random.Next(1000, 20_000)));
        }

        return request;
    }

    private static void AddAuthorization(Random random, HttpRequestMessage request, string key, string secret)
    {
        switch (random.Next(10))
        {
            case < 6:
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                break;
            case 6:
                break;
            case 7:
                request.Headers.TryAddWithoutValidation(
                    "Authorization",
                    Pick(
                        random,
                        [
                            "Bearer",
                            "Bearer ",
                            "Basic Zm9vOmJhcg==",
                            "bearer " + key,
                            "Bearer " + key + key,
                            "Bearer calat_" + new string('A', 43),
                            "Bearer " + new string('x', 5000),
                            "Bearer cal_%C3%A9%C3%A9",
                            "Bearer\tcal_x",
                        ]
                    )
                );
                break;
            default:
                request.Headers.TryAddWithoutValidation(
                    "x-cal-secret-key",
                    Pick(random, [secret, secret + "x", "", new string('s', 3000)])
                );
                if (random.Next(2) == 0)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                }

                break;
        }
    }

    /// <summary>Values at and past every edge (#28): the calendar's first and last days, years just outside 1900-2100, huge and negative numbers.</summary>
    private static readonly string[] EdgeValues =
    [
        "0001-01-01",
        "0001-01-02",
        "9999-12-31",
        "9999-06-01",
        "9999-12-31T23:59:59.9999999Z",
        "0001-01-01T00:00:00%2B14:00",
        "9999-12-31T23:59:59-12:00",
        "1899-12-31",
        "1900-01-01",
        "2100-12-31",
        "2101-01-01",
        "2200-01-01",
        "-1",
        "0",
        "1",
        "2147483647",
        "2147483648",
        "-2147483649",
        "99999999999999999999",
        "1e308",
        "-1e308",
        "NaN",
        "Infinity",
        "",
        "%00",
        "2027-02-30",
        "2027-13-01",
        "Europe/Berlin",
        "Mars/Base",
    ];

    /// <summary>Every named parameter given an edge value (or left out).</summary>
    private static string EdgeQuery(Random random, params string[] names) =>
        "?" + string.Join("&", names.Where(_ => random.Next(5) != 0).Select(n => $"{n}={Pick(random, EdgeValues)}"));

    private static string Query(Random random) =>
        random.Next(11) switch
        {
            9 or 10 => EdgeQuery(
                random,
                "dateFrom",
                "dateTo",
                "timeZone",
                "loggedInUsersTz",
                "calendarsToLoad[0][credentialId]",
                "calendarsToLoad[0][externalId]"
            ),
            0 => "",
            1 => "?dateFrom=2026-01-05&dateTo=2026-01-06",
            2 => "?dateFrom=2026-01-05&dateTo=2030-01-06",
            3 => "?dateFrom=x&dateTo=%zz",
            4 => "?dateFrom=2026-01-05&dateTo=2026-01-06&calendarsToLoad[99999999999][credentialId]=1",
            5 => "?dateFrom=2026-01-05&dateTo=2026-01-06&loggedInUsersTz=Mars/Base&calendarsToLoad[0][externalId]=" + new string('e', 3000),
            6 => "?dateFrom=9999-12-31T23:59:59Z&dateTo=0001-01-01&dateFrom=2026-01-01",
            7 => "?dateFrom=2026-01-05T10:00:00%2B14:00&dateTo=2026-01-05T10:00:00-12:00&calendarsToLoad[0][credentialId]=-1",
            _ => "?" + string.Join("&", Enumerable.Range(0, random.Next(1, 300)).Select(i => $"k{i}=v")),
        };

    private static string BookingsQuery(Random random) =>
        random.Next(3) == 0
            ? ""
            : EdgeQuery(random, "status", "attendeeEmail", "eventTypeId", "afterStart", "beforeEnd", "sortStart", "take", "skip");

    private static string SlotsQuery(Random random) =>
        random.Next(9) switch
        {
            7 or 8 => EdgeQuery(
                random,
                "eventTypeId",
                "start",
                "end",
                "timeZone",
                "duration",
                "format",
                "eventTypeSlug",
                "username",
                "startTime",
                "endTime"
            ),
            0 => "",
            1 => "?eventTypeId=1&start=2027-03-01&end=2027-03-31&timeZone=Europe/Berlin",
            2 => "?eventTypeId=1&start=2027-03-01&end=2030-03-31",
            3 => "?eventTypeId=x&start=%zz&end=&timeZone=Mars/Base&duration=-5&format=weird",
            4 => "?eventTypeSlug=" + new string('s', 500) + "&username=%ff%fe&start=2027-01-01&end=2027-01-02",
            5 => "?eventTypeId=2147483648&startTime=9999-12-31T23:59:59Z&endTime=0001-01-01&duration=100000",
            _ => "?eventTypeId=1&start=2027-03-01T00:00:00%2B14:00&end=2027-03-02T00:00:00-12:00&duration=1",
        };

    private static byte[] Body(Random random, int target, string validFeed)
    {
        var json = random.Next(16) switch
        {
            0 => "",
            1 => "{",
            2 => "null",
            3 => """{"urls": 42}""",
            4 => """{"urls": [1, true, null, {}, []], "readOnly": "yes"}""",
            5 => """{"urls": "http://127.0.0.1:1/a.ics"}""",
            6 => new string('[', random.Next(10, 3000)) + new string(']', random.Next(0, 3000)),
            7 => "{\"a\":"
                + string.Concat(Enumerable.Repeat("{\"a\":", random.Next(10, 2000)))
                + "1"
                + new string('}', random.Next(0, 2000)),
            8 => $$"""{"urls": ["{{new string('u', random.Next(1000, 300_000))}}"]}""",
            9 => "{\"urls\": [" + string.Join(",", Enumerable.Repeat("\"http://127.0.0.1:1/x.ics\"", random.Next(51, 20_000))) + "]}",
            10 =>
                $$"""{"urls": ["http://127.0.0.1:1/{{Pick(random, Unicode)}}.ics", "{{Pick(random, Unicode)}}"], "id": "{{Pick(random, Unicode)}}", "email": "{{Pick(random, Unicode)}}@x"}""",
            11 => $$"""{"urls": ["{{validFeed}}"], "urls": ["http://127.0.0.1:1/dup.ics"], "readOnly": true, "readOnly": 1}""",
            12 => """{"id": 1e400, "apiKeyDaysValid": -99999999999999999999, "refreshToken": 12, "email": ["x"], "timeZone": {}}""",
            13 => Pick(
                random,
                [
                    """{"urls": ["javascript:alert(1)", "file:///etc/passwd", "gopher://127.0.0.1:70/", "http://[::1", "http://user:pass@127.0.0.1:1/", "webcal://127.0.0.1:0/x"]}""",
                    """{"urls": ["http://0x7f.1/a.ics", "http://2130706433/b.ics", "http://[::ffff:127.0.0.1]:1/c.ics"]}""",
                ]
            ),
            14 => target switch
            {
                5 => Pick(random, ["""{"id": -1}""", """{"id": "1"}""", """{"id": 2147483648}""", """{}"""]),
                10 => Pick(
                    random,
                    [
                        """{"name": "S", "timeZone": "UTC", "availability": [{"days": [1, "Funday", null], "startTime": "25:99", "endTime": {}}], "overrides": "x"}""",
                        """{"name": "S", "timeZone": "Europe/Berlin", "isDefault": "yes", "availability": [{"days": ["Monday"], "startTime": "09:00", "endTime": "17:00"}], "overrides": [{"date": "2027-02-30", "startTime": "00:00", "endTime": "00:00"}]}""",
                        """{"name": "S", "timeZone": "UTC", "availability": [{"days": ["Monday"], "startTime": "09:00", "endTime": "09:00"}]}""",
                    ]
                ),
                11 => Pick(
                    random,
                    [
                        """{"title": "T", "slug": "t", "lengthInMinutes": 1e99, "slotInterval": -1, "scheduleId": 2147483648}""",
                        """{"title": "T", "slug": "fuzz", "lengthInMinutes": 1, "slotInterval": 1, "beforeEventBuffer": 1440, "afterEventBuffer": 1440, "minimumBookingNotice": 0}""",
                        """{"title": ["x"], "slug": "UPPER case", "lengthInMinutes": "30"}""",
                    ]
                ),
                9 => Pick(
                    random,
                    [
                        """{"username": "alice", "password": "pw", "url": "http://127.0.0.1:1/"}""",
                        """{"username": "", "password": null, "url": "javascript:alert(1)"}""",
                        """{"username": "a\u0000b", "password": "p", "url": "http://user:pass@127.0.0.1:1/"}""",
                        $$"""{"username": "{{new string('u', 5000)}}", "password": "{{new string('p', 5000)}}", "url": "webcal://127.0.0.1:0/"}""",
                        """{"username": ["x"], "password": {}, "url": 7, "id": "1"}""",
                        """{"id": 1}""",
                        """{"id": -2147483649}""",
                        """{"id": 99999999999999999999}""",
                        """{"username": "alice", "password": "pw", "url": "file:///etc/passwd"}""",
                        """{"username": "alice", "password": "pw", "url": "http://127.0.0.1:1/?x=" + "\u0000"}""",
                        $$"""{"username": "alice", "password": "pw", "url": "http://127.0.0.1:1/{{new string('p', 3000)}}"}""",
                        """{"username": "alice", "password": "pw", "url": "https://[::1]:0/", "extra": {"nested": [1e308, -1e308]}}""",
                    ]
                ),
                14 => Pick(
                    random,
                    [
                        """{"start": "2027-03-29T07:00:00Z", "eventTypeId": 1, "attendee": {"name": "Bob", "email": "bob@example.org", "timeZone": "UTC"}}""",
                        """{"start": "9999-12-31T23:59:59Z", "eventTypeId": 2147483647, "attendee": {"name": "", "email": "@", "timeZone": "Mars/Base"}, "guests": [1, null, {}]}""",
                        """{"start": "0001-01-01T00:00:00+14:00", "eventTypeId": -1, "attendee": null, "metadata": {"a": {"b": [1]}}, "lengthInMinutes": 1e308}""",
                        """{"start": "2027-03-29T07:00:00Z", "eventTypeSlug": "x", "username": "%ff", "attendee": {"name": "B", "email": "b@x.org", "timeZone": "UTC", "language": "klingon-xx-yy"}, "reservedSlotUid": 5}""",
                        """{"start": "2027-03-29T07:00:00Z", "eventTypeId": 1, "attendee": {"name": "B", "email": "b@x.org", "timeZone": "UTC"}, "metadata": [1, 2], "extra": true}""",
                        """{"cancellationReason": 1e400, "start": [], "reschedulingReason": {}}""",
                        """{"cancellationReason": "x"}""",
                        """{"start": "2027-03-29T08:00:00Z", "reschedulingReason": null}""",
                    ]
                ),
                17 => Pick(
                    random,
                    [
                        """{"subscriberUrl": "http://127.0.0.1:1/hook", "triggers": ["BOOKING_CREATED"], "active": true}""",
                        """{"subscriberUrl": "http://127.0.0.1:1/hook", "triggers": ["BOOKING_CREATED", "MEETING_ENDED", null, 5], "active": "yes", "secret": 12}""",
                        """{"subscriberUrl": "file:///etc/passwd", "triggers": "BOOKING_CREATED", "active": true, "payloadTemplate": "{{#each attendees}}{{name}}{{/each}}"}""",
                        """{"subscriberUrl": "http://[::1", "triggers": [], "active": null, "payloadTemplate": "{{title"}""",
                        $$"""{"subscriberUrl": "http://127.0.0.1:1/{{new string('p', 3000)}}", "triggers": ["BOOKING_CANCELLED"], "active": false, "payloadTemplate": "{{string.Concat(Enumerable.Repeat("{{title}}", 300))}}"}""",
                        $$"""{"subscriberUrl": "http://127.0.0.1:1/x", "triggers": ["BOOKING_CREATED"], "active": true, "secret": "{{new string('s', 5000)}}", "payloadTemplate": "{{new string('t', 20_000)}}"}""",
                        """{"active": false}""",
                        """{"triggers": ["BOOKING_RESCHEDULED"], "eventTriggers": ["X"]}""",
                    ]
                ),
                15 => Pick(
                    random,
                    [
                        """{"eventTypeId": 1, "slotStart": "2027-03-29T07:00:00Z"}""",
                        """{"eventTypeId": 1, "slotStart": "2027-03-29T07:00:00Z", "reservationDuration": 99999999999, "slotDuration": -1}""",
                        """{"eventTypeId": "x", "slotStart": 7, "unknown": 1}""",
                        """{"eventTypeId": 2147483648, "slotStart": "9999-12-31T23:59:59Z"}""",
                    ]
                ),
                16 => Pick(
                    random,
                    [
                        """{"integration": "caldav_calendar", "externalId": "http://127.0.0.1:1/cal/"}""",
                        """{"integration": "ics-feed_calendar", "externalId": "http://127.0.0.1:1/x.ics"}""",
                        """{"integration": 1, "externalId": ["x"]}""",
                        $$"""{"integration": "apple_calendar", "externalId": "{{new string('e', 5000)}}"}""",
                    ]
                ),
                13 => Pick(
                    random,
                    [
                        """{"integration": "ics-feed_calendar", "externalId": "http://127.0.0.1:1/x.ics", "credentialId": 1}""",
                        """{"timeFormat": 13, "weekStart": 7, "metadata": {"a": {"b": 1}}, "avatarUrl": "javascript:x", "locale": ["en"]}""",
                        """{"email": "@@", "timeZone": "Etc/GMT+99", "metadata": []}""",
                    ]
                ),
                _ => """{"email": "fuzz@example.com", "timeZone": "Etc/GMT+99", "name": null, "refreshToken": "calrt_nope"}""",
            },
            _ => "\u0000\u0001\u0002garbage\u00ff",
        };
        var bytes = Encoding.UTF8.GetBytes(json);
        if (random.Next(10) == 0 && bytes.Length > 2)
        {
            bytes = bytes[..random.Next(1, bytes.Length)]; // truncated mid-way
        }

        if (random.Next(15) == 0 && bytes.Length > 0)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256); // one byte flipped (may break UTF-8)
        }

        return bytes;
    }
}

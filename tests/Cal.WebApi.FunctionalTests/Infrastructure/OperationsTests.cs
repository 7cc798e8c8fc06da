using System.Net;

namespace Cal.WebApi.FunctionalTests.Infrastructure;

/// <summary>Health endpoints, request ids and the one completion event per request.</summary>
public sealed class OperationsTests
{
    [Test]
    public async Task Health_LiveAndReady_AnswerWithoutAuthentication()
    {
        await using var api = new CalApiFactory();
        api.StartServer();
        using var client = api.CreateClient();

        Assert.That((await client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var ready = await client.GetAsync("/health/ready");
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await ready.Content.ReadAsStringAsync(), Is.EqualTo("Healthy"));
        api.DeleteData();
    }

    [Test]
    public async Task Ready_IsUnhealthy_WhileMigrationsAreNotApplied_LiveStaysUp()
    {
        await using var api = new CalApiFactory(overrides: new Dictionary<string, string?> { ["Database:AutoMigrate"] = "false" });
        api.StartServer();
        using var client = api.CreateClient();

        Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That((await client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        api.DeleteData();
    }

    [TestCase("client-req-42", "client-req-42")]
    [TestCase("a:b.c_d-e", "a:b.c_d-e")]
    [TestCase("has spaces in it", null)]
    [TestCase("<script>", null)]
    public async Task IncomingRequestId_IsKeptWhenSane(string incoming, string? expected)
    {
        await using var api = new CalApiFactory();
        api.StartServer();
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/calendars");
        request.Headers.TryAddWithoutValidation("X-Request-Id", incoming);

        var response = await client.SendAsync(request);

        var echoed = response.Headers.GetValues("X-Request-Id").Single();
        Assert.That(echoed, expected is null ? Is.Not.EqualTo(incoming).And.Not.Empty : Is.EqualTo(expected));
        api.DeleteData();
    }

    [Test]
    public async Task EachRequest_LogsOneCompletionEvent_WithRouteTemplateStatusAndRequestId()
    {
        await using var api = new CalApiFactory();
        var (_, key) = await api.CreateUserWithKeyAsync();
        using var client = api.CreateAuthorizedClient(key);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/calendars/ics-feed/save") { Content = Json.Body("{}") };
        request.Headers.TryAddWithoutValidation("X-Request-Id", "trace-me-7");

        await client.SendAsync(request);

        var completions = api
            .Logs.Where(l => l.Contains("responded", StringComparison.Ordinal) && l.Contains("trace-me-7", StringComparison.Ordinal))
            .ToList();
        Assert.That(completions, Has.Count.EqualTo(1));
        Assert.That(completions[0], Does.Contain("v2/calendars/ics-feed/save").And.Contain("400").And.Contain("POST"));
        api.DeleteData();
    }
}

/// <summary>Stopping the server lets a save that is under way finish and be stored.</summary>
public sealed class GracefulShutdownTests
{
    [Test]
    public async Task StoppingTheHost_FinishesAnInFlightSave()
    {
        await using var feeds = await Cal.Testing.IcsFeedServer.StartAsync();
        var slow = feeds.AddFeed("slow", Cal.Testing.IcsSamples.Simple(), delayMs: 1500);
        var api = new CalApiFactory(
            overrides: new Dictionary<string, string?> { ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}" }
        );
        var (userId, key) = await api.CreateUserWithKeyAsync();
        using var factoryClient = api.CreateAuthorizedClient(key);

        // A client of our own: the factory disposes the clients it made when it stops, which would abort the request.
        using var client = new HttpClient { BaseAddress = factoryClient.BaseAddress };
        client.DefaultRequestHeaders.Authorization = factoryClient.DefaultRequestHeaders.Authorization;
        var saving = client.PostAsync("/v2/calendars/ics-feed/save", Json.Body(new { urls = new[] { slow } }));
        while (feeds.RequestCount("/feeds/slow") == 0)
        {
            await Task.Delay(20);
        }

        var stopping = api.DisposeAsync().AsTask(); // the host stops while the save waits for its feed
        var response = await saving.WaitAsync(TimeSpan.FromSeconds(30));
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        await using var reopened = new CalApiFactory(api.DataDirectory);
        Assert.That(
            await reopened.WithDbAsync(db =>
                Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Credentials, c => c.UserId == userId)
            ),
            Is.EqualTo(1)
        );
        reopened.DeleteData();
    }
}

using System.Diagnostics;
using System.Text;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using Cal.Infrastructure.IntegrationTests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace Cal.Infrastructure.IntegrationTests.Calendars;

/// <summary>
/// Issue #28.3: what a hostile or careless CalDAV server can make Cal do. Every answer is read as it streams, within one
/// deadline that covers the body (a server that drips is cut off); hrefs are only http(s), never a downgrade of an https
/// account, and never trusted with the password when they came from an origin the account did not name; an account's
/// calendars are capped.
/// </summary>
[NonParallelizable]
public sealed class CalDavSafetyTests : FetcherFixture
{
    private const string Password = "pw-safety-7c1";

    private LoopbackServer secure = null!;

    [OneTimeSetUp]
    public async Task StartSecureServer() => secure = await LoopbackServer.StartAsync(https: true);

    [OneTimeTearDown]
    public async Task StopSecureServer() => await secure.DisposeAsync();

    /// <summary>The CalDAV client of a host that trusts the test servers' self-signed certificate (nothing else changes).</summary>
    private ICalDavClient Client(params (string Key, string Value)[] extra) =>
        Host(
                extra.ToDictionary(e => e.Key, e => (string?)e.Value),
                services =>
                    services.Configure<HttpClientFactoryOptions>(
                        Cal.Infrastructure.Calendars.CalDav.CalDavClient.HttpClientName,
                        o =>
                            o.HttpMessageHandlerBuilderActions.Add(b =>
                            {
                                if (b.PrimaryHandler is SocketsHttpHandler handler)
                                {
                                    handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                                        certificate is not null
                                        && certificate.GetCertHashString() == LoopbackServer.TestCertificate.GetCertHashString();
                                }
                            })
                    )
            )
            .Get<ICalDavClient>();

    private static CalDavAccount Account(string url) => new(new Uri(url), "alice", Password);

    private static RequestDelegate Multistatus(Func<HttpContext, string> xml) =>
        context =>
        {
            context.Response.StatusCode = 207;
            context.Response.ContentType = "application/xml";
            return context.Response.WriteAsync(xml(context));
        };

    private static string Home(string homeHref) =>
        $"""
            <?xml version="1.0"?><d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:response><d:href>/</d:href><d:propstat><d:prop>
            <c:calendar-home-set><d:href>{homeHref}</d:href></c:calendar-home-set></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>
            """;

    private static string Calendars(params string[] hrefs) =>
        "<?xml version=\"1.0\"?><d:multistatus xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:caldav\">"
        + string.Concat(
            hrefs.Select(h =>
                $"<d:response><d:href>{h}</d:href><d:propstat><d:prop><d:resourcetype><d:collection/><c:calendar/></d:resourcetype><d:displayname>{h.Length}</d:displayname></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
            )
        )
        + "</d:multistatus>";

    [Test]
    public async Task HrefsThatAreNotHttp_AreNeverStored()
    {
        string? home = null;
        var url = Odd.Map(
            Multistatus(context =>
                context.Request.Headers["Depth"] == "0"
                    ? Home(home!)
                    : Calendars("file:///etc/passwd", "mailto:alice@example.com", "javascript:alert(1)", context.Request.Path + "good/")
            )
        );
        home = new Uri(url).AbsolutePath;

        var found = await Client().DiscoverAsync(Account(url), 1, CancellationToken.None);

        Assert.That(found.Value!.Calendars.Select(c => c.Url), Is.EqualTo(new[] { url + "good/" }), "only the http calendar is kept");
    }

    [Test]
    public async Task AnHttpsAccount_WhoseAnswerNamesAnHttpHome_NeverSendsThePasswordInClear()
    {
        var clearHits = 0;
        var clear = Odd.Map(
            context =>
            {
                Interlocked.Increment(ref clearHits);
                return Multistatus(_ => Calendars("/cal/"))(context);
            },
            "clear"
        );
        var start = secure.Map(Multistatus(_ => Home(clear)));

        var found = await Client().DiscoverAsync(Account(start), 1, CancellationToken.None);

        Assert.That(found.Failure?.Reason, Is.EqualTo(FeedFailureReason.NotCalDav));
        Assert.That(found.Failure!.Message, Does.Contain("http for an https account"));
        Assert.That(Volatile.Read(ref clearHits), Is.Zero, "nothing, password or not, went over http");
    }

    [Test]
    public async Task AnHttpsAccount_RedirectedToHttp_IsRefused_WithoutFollowing()
    {
        var clearHits = 0;
        var clear = Odd.Map(
            context =>
            {
                Interlocked.Increment(ref clearHits);
                return Task.CompletedTask;
            },
            "downgrade"
        );
        var start = secure.Map(context =>
        {
            context.Response.Redirect(clear);
            return Task.CompletedTask;
        });

        var found = await Client().DiscoverAsync(Account(start), 1, CancellationToken.None);

        Assert.That(found.Failure, Is.Not.Null);
        Assert.That(Volatile.Read(ref clearHits), Is.Zero);
    }

    [Test]
    public async Task ARedirectsTarget_ThatNamesItsOwnPrincipal_NeverGetsThePassword()
    {
        // The account's server redirects to another origin, which answers as a CalDAV server and names a principal of its own.
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var principal = Odd.Map(
            context =>
            {
                seen.Enqueue(context.Request.Headers.Authorization.ToString());
                context.Response.StatusCode = 401; // its own principal: it asks for a password, which must not come
                return Task.CompletedTask;
            },
            "principal"
        );
        var elsewhere = Odd.Map(
            context =>
            {
                seen.Enqueue(context.Request.Headers.Authorization.ToString());
                return Multistatus(_ =>
                    $"""
                        <?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response><d:href>/</d:href><d:propstat><d:prop>
                        <d:current-user-principal><d:href>{new Uri(
                            principal
                        ).AbsolutePath}</d:href></d:current-user-principal></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>
                        """
                )(context);
            },
            "elsewhere"
        );
        var start = Feeds.Url($"redirect-to?url={Uri.EscapeDataString(elsewhere)}");

        var found = await Client().DiscoverAsync(new CalDavAccount(new Uri(start), "alice", Password), 1, CancellationToken.None);

        Assert.That(found.Failure?.Reason, Is.EqualTo(FeedFailureReason.Unauthorized));
        Assert.That(seen, Has.Count.GreaterThanOrEqualTo(2), "the redirect and the principal it named were both asked");
        Assert.That(seen, Is.All.Empty, "neither was sent the password: the origin was reached by a redirect, not named by the account");
    }

    [Test]
    public async Task AServerThatDrips_IsCutOffAtTheDeadline_BodyIncluded()
    {
        var url = Odd.Map(
            async context =>
            {
                context.Response.StatusCode = 207;
                context.Response.ContentType = "application/xml";
                var head = Encoding.UTF8.GetBytes(
                    "<?xml version=\"1.0\"?><d:multistatus xmlns:d=\"DAV:\"><d:response><d:href>/</d:href><d:propstat><d:prop><d:displayname>"
                );
                await context.Response.Body.WriteAsync(head, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                while (!context.RequestAborted.IsCancellationRequested)
                {
                    await context.Response.Body.WriteAsync("x"u8.ToArray(), context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    await Task.Delay(200, context.RequestAborted);
                }
            },
            "drip"
        );

        var watch = Stopwatch.StartNew();
        var found = await Client(("Outbound:FeedTimeout", "00:00:01")).DiscoverAsync(Account(url), 1, CancellationToken.None);
        watch.Stop();

        Assert.That(found.Failure?.Reason, Is.EqualTo(FeedFailureReason.Timeout));
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)), "one deadline for the whole call, the dripping body included");
    }

    [Test]
    public async Task AnAccountWithMoreCalendarsThanTheCap_IsRefused_NamingTheCap()
    {
        string? home = null;
        var url = Odd.Map(
            Multistatus(context =>
                context.Request.Headers["Depth"] == "0"
                    ? Home(home!)
                    : Calendars(Enumerable.Range(0, 6).Select(i => $"{context.Request.Path}c{i}/").ToArray())
            )
        );
        home = new Uri(url).AbsolutePath;

        var found = await Client(("CalDav:MaxCalendarsPerAccount", "5")).DiscoverAsync(Account(url), 1, CancellationToken.None);
        var fits = await Client(("CalDav:MaxCalendarsPerAccount", "6")).DiscoverAsync(Account(url), 1, CancellationToken.None);

        Assert.That(found.Failure?.Reason, Is.EqualTo(FeedFailureReason.TooLarge));
        Assert.That(found.Failure!.Message, Does.Contain("more than 5 calendars"));
        Assert.That(fits.Value!.Calendars, Has.Count.EqualTo(6));
    }

    [Test]
    public async Task AHugeAnswerOfTinyElements_IsReadAsItStreams_NotHeldWhole()
    {
        // 20 MB of responses that name nothing a calendar needs: read through and skipped, one small response at a time.
        var url = Odd.Map(
            async context =>
            {
                context.Response.StatusCode = 207;
                context.Response.ContentType = "application/xml";
                await context.Response.WriteAsync("<?xml version=\"1.0\"?><d:multistatus xmlns:d=\"DAV:\">", context.RequestAborted);
                var chunk = string.Concat(Enumerable.Repeat("<d:response><d:href>/x</d:href><d:x/><d:x/><d:x/></d:response>", 1000));
                for (var written = 0L; written < 20L * 1024 * 1024; written += chunk.Length)
                {
                    await context.Response.WriteAsync(chunk, context.RequestAborted);
                }

                await context.Response.WriteAsync("</d:multistatus>", context.RequestAborted);
            },
            "tiny"
        );

        var found = await Client().DiscoverAsync(Account(url), 1, CancellationToken.None);

        // Its memory is measured, not asserted: benchmarks/load/caldav-hostile.sh (peak RSS with eight at once).
        Assert.That(found.Failure?.Reason, Is.EqualTo(FeedFailureReason.NotCalDav), "no principal, no calendar home");
    }
}

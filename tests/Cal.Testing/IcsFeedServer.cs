using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Cal.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 (random port) for feed tests. Routes:
/// <list type="bullet">
/// <item><c>/samples/{path}</c>: a file from <see cref="IcsSamples"/> as text/calendar</item>
/// <item><c>/feeds/{name}</c>: content registered with <see cref="AddFeed"/> (optionally delayed)</item>
/// <item><c>/status/{code}</c>: that status, no body, for any method</item>
/// <item><c>/html</c>, <c>/json</c>, <c>/empty</c>: non-iCalendar bodies</item>
/// <item><c>/redirect/{n}</c>: a chain of n redirects ending in a valid feed; <c>/redirect-loop</c></item>
/// <item><c>/large/{bytes}</c>: a VCALENDAR padded to that many bytes, streamed</item>
/// <item><c>/delay/{ms}</c>: a valid feed after that delay</item>
/// <item><c>/redirect-to?url=...</c>: one redirect to any URL (e.g. another loopback server), for any method</item>
/// <item><c>/drip</c>: headers at once, then one byte every 100 ms, forever</item>
/// <item><c>/endless</c>: a VCALENDAR that never ends, as fast as it can be sent</item>
/// <item><c>/gzip-bomb/{megabytes}</c>: a small gzip body that inflates to that many MB</item>
/// </list>
/// Every request is counted per path (<see cref="RequestCount"/>). Registered feeds carry an ETag and answer a
/// matching If-None-Match with 304 (counted by <see cref="NotModifiedCount"/>).
/// </summary>
public sealed class IcsFeedServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, (string Content, int DelayMs, string ContentType)> feeds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> rawFeeds = new(StringComparer.Ordinal);
    private int notModified;

    private IcsFeedServer(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<IcsFeedServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var server = new IcsFeedServer(builder.Build());
        server.MapRoutes();
        await server.app.StartAsync();
        var address = server.app.Urls.Single();
        server.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    public string Url(string relative) => new Uri(BaseAddress, relative).AbsoluteUri;

    public string AddFeed(string name, string content, int delayMs = 0, string contentType = "text/calendar; charset=utf-8")
    {
        feeds[name] = (content, delayMs, contentType);
        return Url($"feeds/{name}");
    }

    public void RemoveFeed(string name) => feeds.TryRemove(name, out _);

    /// <summary>Bytes served exactly as given (invalid UTF-8 included) at <c>/raw/{name}</c>.</summary>
    public string AddRawFeed(string name, byte[] content)
    {
        rawFeeds[name] = content;
        return Url($"raw/{name}");
    }

    public int NotModifiedCount => notModified;

    public int RequestCount(string pathStartingWith) =>
        counts.Where(c => c.Key.StartsWith(pathStartingWith, StringComparison.Ordinal)).Sum(c => c.Value);

    public ValueTask DisposeAsync() => app.DisposeAsync();

    /// <summary>Marks a response as gzip-encoded without compressing it again.</summary>
    private sealed class GzipEncoded(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.ContentEncoding = "gzip";
            return inner.ExecuteAsync(httpContext);
        }
    }

    private void MapRoutes()
    {
        app.Use(
            (context, next) =>
            {
                counts.AddOrUpdate("/" + context.Request.Path.Value!.TrimStart('/'), 1, (_, n) => n + 1);
                return next(context);
            }
        );

        app.MapGet(
            "/samples/{**path}",
            (string path) =>
            {
                var file = Path.GetFullPath(Path.Combine(IcsSamples.Directory, path));
                return file.StartsWith(IcsSamples.Directory, StringComparison.Ordinal) && File.Exists(file)
                    ? Results.File(file, "text/calendar")
                    : Results.NotFound();
            }
        );

        app.MapGet(
            "/feeds/{name}",
            async (string name, HttpContext context, CancellationToken ct) =>
            {
                if (!feeds.TryGetValue(name, out var feed))
                {
                    return Results.NotFound();
                }

                if (feed.DelayMs > 0)
                {
                    await Task.Delay(feed.DelayMs, ct);
                }

                var etag =
                    $"\"{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(feed.Content)))[..16]}\"";
                context.Response.Headers.ETag = etag;
                if (context.Request.Headers.IfNoneMatch == etag)
                {
                    Interlocked.Increment(ref notModified);
                    return Results.StatusCode(StatusCodes.Status304NotModified);
                }

                return Results.Text(feed.Content, feed.ContentType);
            }
        );

        app.MapGet(
            "/raw/{name}",
            (string name) => rawFeeds.TryGetValue(name, out var bytes) ? Results.Bytes(bytes, "text/calendar") : Results.NotFound()
        );
        app.Map("/status/{code:int}", (int code) => Results.StatusCode(code));
        app.MapGet("/html", () => Results.Text("<!doctype html><html><body>Sign in</body></html>", "text/html"));
        app.MapGet("/json", () => Results.Json(new { events = Array.Empty<object>() }));
        app.MapGet("/empty", () => Results.Text("", "text/calendar"));
        app.MapGet(
            "/delay/{ms:int}",
            async (int ms, CancellationToken ct) =>
            {
                await Task.Delay(ms, ct);
                return Results.Text(IcsSamples.Simple(), "text/calendar");
            }
        );
        app.MapGet(
            "/redirect/{n:int}",
            (int n) => n <= 0 ? Results.Text(IcsSamples.Simple("Redirected"), "text/calendar") : Results.Redirect($"/redirect/{n - 1}")
        );
        app.MapGet("/redirect-loop", () => Results.Redirect("/redirect-loop"));
        app.Map("/redirect-to", (string url) => Results.Redirect(url)); // any method: CalDAV follows a redirected PROPFIND too
        app.MapGet(
            "/drip",
            async (HttpContext context) =>
            {
                context.Response.ContentType = "text/calendar";
                await context.Response.Body.FlushAsync(context.RequestAborted);
                var body = "BEGIN:VCALENDAR\r\n"u8.ToArray();
                for (var i = 0; !context.RequestAborted.IsCancellationRequested; i++)
                {
                    await context.Response.Body.WriteAsync(body.AsMemory(i % body.Length, 1), context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                    await Task.Delay(100, context.RequestAborted);
                }
            }
        );
        app.MapGet(
            "/endless",
            async (HttpContext context) =>
            {
                context.Response.ContentType = "text/calendar";
                await context.Response.Body.WriteAsync("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"u8.ToArray(), context.RequestAborted);
                var line = System.Text.Encoding.ASCII.GetBytes(
                    string.Concat(Enumerable.Repeat("X-PADDING:" + new string('a', 100) + "\r\n", 500))
                );
                while (!context.RequestAborted.IsCancellationRequested)
                {
                    await context.Response.Body.WriteAsync(line, context.RequestAborted);
                }
            }
        );
        app.MapGet(
            "/gzip-bomb/{megabytes:int}",
            (int megabytes) =>
            {
                using var compressed = new MemoryStream();
                using (
                    var gzip = new System.IO.Compression.GZipStream(
                        compressed,
                        System.IO.Compression.CompressionLevel.SmallestSize,
                        leaveOpen: true
                    )
                )
                {
                    gzip.Write("BEGIN:VCALENDAR\r\nX-PADDING:"u8);
                    var zeros = new byte[1024 * 1024];
                    Array.Fill(zeros, (byte)'a');
                    for (var i = 0; i < megabytes; i++)
                    {
                        gzip.Write(zeros);
                    }
                }

                return new GzipEncoded(Results.Bytes(compressed.ToArray(), "text/calendar"));
            }
        );
        app.MapGet(
            "/large/{bytes:long}",
            async (long bytes, HttpContext context) =>
            {
                context.Response.ContentType = "text/calendar";
                var head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Cal//Large//EN\r\n"u8.ToArray();
                await context.Response.Body.WriteAsync(head, context.RequestAborted);
                var line = "X-PADDING:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"u8.ToArray();
                for (long written = head.Length; written < bytes; written += line.Length)
                {
                    await context.Response.Body.WriteAsync(line, context.RequestAborted);
                }

                await context.Response.Body.WriteAsync("END:VCALENDAR\r\n"u8.ToArray(), context.RequestAborted);
            }
        );
    }
}

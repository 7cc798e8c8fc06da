using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cal.Testing;

/// <summary>One request a <see cref="WebhookReceiver"/> got: its headers and exact body bytes, and when.</summary>
public sealed record ReceivedWebhook(
    string Path,
    string? ContentType,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    DateTimeOffset At
)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;

    /// <summary>Whether <c>X-Cal-Signature-256</c> is the receiver's own HMAC-SHA256 (lowercase hex) of the body with
    /// <paramref name="secret"/>.</summary>
    public bool SignedWith(string secret)
    {
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        var expected = string.Concat(
            hmac.ComputeHash(Body).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))
        );
        return CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(expected),
            Encoding.ASCII.GetBytes(Header("X-Cal-Signature-256") ?? "")
        );
    }
}

/// <summary>
/// A real HTTP server on 127.0.0.1 (random port) that receives webhooks: every request is kept with its exact bytes;
/// what it answers is up to <see cref="Answer"/> (by default 200 at once): a status, a hang, a redirect.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedWebhook> received = new();
    private readonly SemaphoreSlim arrived = new(0);

    private WebhookReceiver(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public int Port => BaseAddress.Port;

    /// <summary>The <c>Outbound:AllowedHosts</c> entry that lets Cal reach this receiver (and no other loopback port).</summary>
    public string AllowedHost => $"127.0.0.1:{Port}";

    /// <summary>What to answer the n-th request (0-based) with; its result is the status (it may wait, or set headers, first).</summary>
    public Func<int, HttpContext, Task<int>> Answer { get; set; } = (_, _) => Task.FromResult(200);

    public IReadOnlyList<ReceivedWebhook> Received => [.. received];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var receiver = new WebhookReceiver(builder.Build());
        var count = -1;
        receiver.app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var n = Interlocked.Increment(ref count);
            receiver.received.Enqueue(
                new ReceivedWebhook(
                    context.Request.Path.Value ?? "",
                    context.Request.ContentType,
                    context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
                    body.ToArray(),
                    DateTimeOffset.UtcNow
                )
            );
            receiver.arrived.Release();
            int status;
            try
            {
                status = await receiver.Answer(n, context);
            }
            catch (OperationCanceledException)
            {
                return; // the sender went away while we hung
            }

            context.Response.StatusCode = status;
        });
        await receiver.app.StartAsync();
        var address = receiver.app.Urls.Single();
        receiver.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return receiver;
    }

    public string Url(string relative = "hook") => new Uri(BaseAddress, relative).AbsoluteUri;

    /// <summary>Waits until at least <paramref name="count"/> requests have come (or fails after <paramref name="timeout"/>).</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (received.Count < count)
        {
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await arrived.WaitAsync(left))
            {
                throw new TimeoutException($"{received.Count} of {count} webhook request(s) arrived in time.");
            }
        }

        return Received;
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        arrived.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cal.Infrastructure.IntegrationTests.Support;

/// <summary>
/// A Kestrel server on 127.0.0.1 (random port) for the few answers <c>IcsFeedServer</c> has no route for:
/// tests register a handler per path with <see cref="Map"/>. Unknown paths answer 404.
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, RequestDelegate> handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<IHeaderDictionary> requestHeaders = new();

    private LoopbackServer(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Request headers of every request received, in order.</summary>
    public IReadOnlyCollection<IHeaderDictionary> RequestHeaders => requestHeaders.ToArray();

    /// <summary>The self-signed certificate an https server here presents (for 127.0.0.1), which a test's client may choose to
    /// trust.</summary>
    public static System.Security.Cryptography.X509Certificates.X509Certificate2 TestCertificate { get; } = MakeCertificate();

    public static async Task<LoopbackServer> StartAsync(bool https = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k =>
            k.Listen(
                IPAddress.Loopback,
                0,
                listen =>
                {
                    if (https)
                    {
                        listen.UseHttps(TestCertificate);
                    }
                }
            )
        );
        var server = new LoopbackServer(builder.Build());
        server.app.Run(context =>
        {
            server.requestHeaders.Enqueue(
                new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase))
            );
            if (server.handlers.TryGetValue(context.Request.Path.Value ?? "/", out var handler))
            {
                return handler(context);
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        await server.app.StartAsync();
        var address = server.app.Urls.Single();
        server.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    /// <summary>Serves <paramref name="handler"/> at a new unique path and returns its absolute URL.</summary>
    public string Map(RequestDelegate handler, string? name = null)
    {
        var path = $"/{name ?? "h"}-{Guid.NewGuid():N}";
        handlers[path] = handler;
        return new Uri(BaseAddress, path).AbsoluteUri;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 MakeCertificate()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=127.0.0.1",
            key,
            System.Security.Cryptography.HashAlgorithmName.SHA256,
            System.Security.Cryptography.RSASignaturePadding.Pkcs1
        );
        var names = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(
            made.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx),
            null
        );
    }
}

/// <summary>A bare TCP listener on 127.0.0.1 that does something un-HTTP-like with each connection.</summary>
internal sealed class RawTcpServer : IDisposable
{
    private readonly TcpListener listener;
    private readonly CancellationTokenSource stopping = new();
    private readonly ConcurrentBag<TcpClient> clients = [];

    public RawTcpServer(Func<NetworkStream, CancellationToken, Task> onConnection)
    {
        listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync(onConnection);
    }

    public int Port { get; }

    public string Url(string path = "feed.ics") => $"http://127.0.0.1:{Port}/{path}";

    public void Dispose()
    {
        stopping.Cancel();
        listener.Stop();
        foreach (var client in clients)
        {
            client.Dispose();
        }

        stopping.Dispose();
    }

    private async Task AcceptLoopAsync(Func<NetworkStream, CancellationToken, Task> onConnection)
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            clients.Add(client);
            _ = Task.Run(async () =>
            {
                try
                {
                    await onConnection(client.GetStream(), stopping.Token);
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    // The test is over or the client went away.
                }
            });
        }
    }
}

internal static class LoopbackPorts
{
    /// <summary>A loopback port nothing listens on: bound, read and released again.</summary>
    public static int Unused()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

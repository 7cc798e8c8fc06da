using System.Globalization;
using System.Net;

// Cal.Benchmarks.Floor --body FILE [--busy FILE] --port N: bare Kestrel on 127.0.0.1 answering GET /v2/calendars with
// FILE's bytes (and GET /v2/calendars/busy-times with the --busy file's) as application/json. No auth, no database, no
// logging: what any ASP.NET Core endpoint costs at least on this machine.
var body = File.ReadAllBytes(Option("--body") ?? throw new ArgumentException("--body FILE"));
var port = int.Parse(Option("--port") ?? "0", CultureInfo.InvariantCulture);
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
var app = builder.Build();
app.MapGet("/v2/calendars", () => Results.Bytes(body, "application/json; charset=utf-8"));
if (Option("--busy") is { } busyFile)
{
    var busy = File.ReadAllBytes(busyFile);
    app.MapGet("/v2/calendars/busy-times", () => Results.Bytes(busy, "application/json; charset=utf-8"));
}

await app.StartAsync();
Console.WriteLine(app.Urls.Single());
await app.WaitForShutdownAsync();

string? Option(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

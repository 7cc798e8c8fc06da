using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Cal.Testing;
using Cal.WebApi.Admin;
using Cal.WebApi.FunctionalTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Cal.WebApi.FunctionalTests.Reliability;

/// <summary>
/// The real server as its own process on SQLite, killed with SIGKILL in the middle of a load of saves, then
/// started again: every save it had answered 201 is there and readable, and the database file is sound.
/// </summary>
[NonParallelizable]
public sealed class CrashSafetyTests
{
    [Test]
    public async Task KilledMidLoad_EveryAcknowledgedSaveSurvives_AndTheDatabaseIsSound()
    {
        await using var feeds = await IcsFeedServer.StartAsync();
        var data = Path.Combine(Path.GetTempPath(), "cal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = $"Data Source={Path.Combine(data, "cal.db")}",
            ["DataProtection:KeysPath"] = Path.Combine(data, "keys"),
            ["Outbound:AllowedHosts:0"] = $"127.0.0.1:{feeds.BaseAddress.Port}",
            ["RateLimiting:PermitLimit"] = "100000",
            ["RateLimiting:AccessTokenPermitLimit"] = "100000",
            ["RateLimiting:OAuthClientPermitLimit"] = "100000",
        };
        using var stdout = new StringWriter();
        Assert.That(
            await AdminCommand.RunAsync(["oauth-clients", "create", "--name", "Crash"], stdout, TextWriter.Null, settings),
            Is.Zero
        );
        var oauth = JsonDocument.Parse(stdout.ToString()).RootElement;
        var port = FreePort();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var server = Start(port, settings);
        List<(string Token, string Url)> acknowledged = [];
        try
        {
            await WaitReadyAsync(http, server);
            var users = new List<(string Token, string Url)>();
            for (var i = 0; i < 60; i++)
            {
                using var create = new HttpRequestMessage(
                    HttpMethod.Post,
                    $"/v2/oauth-clients/{oauth.GetProperty("clientId").GetString()}/users"
                )
                {
                    Content = Json.Body(new { email = $"crash{i}@example.com" }),
                };
                create.Headers.Add("x-cal-secret-key", oauth.GetProperty("secret").GetString());
                var created = await Json.ReadAsync(await http.SendAsync(create));
                users.Add(
                    (
                        created.GetProperty("data").GetProperty("accessToken").GetString()!,
                        feeds.AddFeed($"crash{i}.ics", IcsSamples.Simple($"Crash {i}"))
                    )
                );
            }

            var queue = new Queue<(string Token, string Url)>(users);
            var killed = false;
            await Task.WhenAll(
                Enumerable
                    .Range(0, 6)
                    .Select(async _ =>
                    {
                        while (true)
                        {
                            (string Token, string Url) user;
                            lock (queue)
                            {
                                if (queue.Count == 0)
                                {
                                    return;
                                }

                                user = queue.Dequeue();
                            }

                            using var save = new HttpRequestMessage(HttpMethod.Post, "/v2/calendars/ics-feed/save")
                            {
                                Content = Json.Body(new { urls = new[] { user.Url } }),
                            };
                            save.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", user.Token);
                            try
                            {
                                var response = await http.SendAsync(save);
                                if (response.StatusCode == HttpStatusCode.Created)
                                {
                                    lock (acknowledged)
                                    {
                                        acknowledged.Add(user);
                                        if (acknowledged.Count == 20 && !killed)
                                        {
                                            killed = true;
                                            server.Kill(entireProcessTree: true); // SIGKILL: no shutdown, no flush
                                        }
                                    }
                                }
                            }
                            catch (HttpRequestException)
                            {
                                // In flight when the process died: not acknowledged, so nothing is promised.
                            }
                        }
                    })
            );
            Assert.That(killed, Is.True);
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }

            await server.WaitForExitAsync();
            server.Dispose();
        }

        var restarted = Start(port, settings);
        try
        {
            await WaitReadyAsync(http, restarted);
            var lost = new List<string>();
            foreach (var (token, url) in acknowledged)
            {
                using var list = new HttpRequestMessage(HttpMethod.Get, "/v2/calendars");
                list.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                var json = await Json.ReadAsync(await http.SendAsync(list));
                var connected = json.GetProperty("data").GetProperty("connectedCalendars");
                if (
                    connected.GetArrayLength() != 1
                    || connected[0].GetProperty("calendars")[0].GetProperty("externalId").GetString() != url
                )
                {
                    lost.Add(url);
                }
            }

            TestContext.Out.WriteLine($"{acknowledged.Count} saves acknowledged before and around the kill; {lost.Count} lost");
            Assert.That(acknowledged, Has.Count.GreaterThanOrEqualTo(20));
            Assert.That(lost, Is.Empty, "every save answered 201 survives a SIGKILL");
        }
        finally
        {
            restarted.Kill(entireProcessTree: true);
            await restarted.WaitForExitAsync();
            restarted.Dispose();
        }

        await using (var check = new SqliteConnection($"Data Source={Path.Combine(data, "cal.db")};Pooling=False"))
        {
            await check.OpenAsync();
            await using var command = check.CreateCommand();
            command.CommandText = "PRAGMA integrity_check;";
            Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo("ok"));
        }

        Directory.Delete(data, recursive: true);
    }

    private static Process Start(int port, Dictionary<string, string?> settings)
    {
        var dll = WebApiProcess.Dll();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var (key, value) in settings)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitReadyAsync(HttpClient http, Process process)
    {
        for (var i = 0; i < 150; i++)
        {
            Assert.That(process.HasExited, Is.False, "the server exited while starting");
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) { }

            await Task.Delay(100);
        }

        Assert.Fail("the server did not become ready");
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

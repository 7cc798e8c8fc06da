using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;

namespace Cal.Testing;

/// <summary>
/// A real CalDAV server: Debian's <c>radicale</c> (3.1.x) on a free loopback port, in a temporary folder with a plain
/// htpasswd users file, stopped and removed on dispose. Calendars and events are made through CalDAV itself
/// (<c>MKCALENDAR</c>, <c>PUT</c>). Radicale reads the users file on each login, so <see cref="SetPassword"/> changes
/// a password on the running server. Its request log counts requests by method (<see cref="CountRequests"/>).
/// <c>TryStart</c> returns null when <c>radicale</c> is not installed (<c>.ci/run</c> installs it).
/// </summary>
public sealed partial class RadicaleServer : IDisposable
{
    private readonly string folder;
    private readonly string binary;
    private Process process;
    private readonly Dictionary<string, string> users = new(StringComparer.Ordinal);
    private readonly HttpClient http = new();

    private RadicaleServer(Process process, string folder, int port, string binary)
    {
        this.process = process;
        this.folder = folder;
        this.binary = binary;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>The server's own address as allowed in <c>Outbound:AllowedHosts</c>.</summary>
    public string AllowedHost => $"127.0.0.1:{Port}";

    private string UsersFile => Path.Combine(folder, "users");

    private string LogFile => Path.Combine(folder, "radicale.log");

    public static RadicaleServer? TryStart(params (string User, string Password)[] accounts) => TryStart(logContent: false, accounts);

    /// <summary>
    /// As <see cref="TryStart(ValueTuple{string, string}[])"/>; with <paramref name="logContent"/> Radicale logs at debug,
    /// each request's body included, so <see cref="Requests"/> can say what each REPORT asked (a sync-collection, a multiget).
    /// </summary>
    public static RadicaleServer? TryStart(bool logContent, params (string User, string Password)[] accounts)
    {
        var binary = new[] { "/usr/bin/radicale", "/usr/local/bin/radicale" }.FirstOrDefault(File.Exists);
        if (binary is null)
        {
            return null;
        }

        var folder = Directory.CreateTempSubdirectory("cal-radicale-").FullName;
        File.WriteAllText(Path.Combine(folder, "users"), string.Concat(accounts.Select(a => $"{a.User}:{a.Password}\n")));
        File.WriteAllText(
            Path.Combine(folder, "config"),
            $"""
            [server]
            hosts = 127.0.0.1:0
            [auth]
            type = htpasswd
            htpasswd_filename = {Path.Combine(folder, "users")}
            htpasswd_encryption = plain
            delay = 0
            [storage]
            filesystem_folder = {Path.Combine(folder, "collections")}
            [rights]
            type = owner_only
            [web]
            type = none
            [logging]
            level = {(logContent ? "debug" : "info")}
            mask_passwords = True
            """
        );

        // Port 0: the system picks a free port as Radicale binds it (no race with other tests' servers over a port
        // probed beforehand), and Radicale logs which one ("Listening on '[127.0.0.1]:PORT'").
        var (process, port) = Launch(binary, folder);
        var server = new RadicaleServer(process, folder, port, binary);
        foreach (var (user, password) in accounts)
        {
            server.users[user] = password;
        }

        if (port > 0 && server.WaitUntilReady())
        {
            return server;
        }

        server.Dispose();
        throw new InvalidOperationException("radicale did not start");
    }

    /// <summary>Starts radicale with the folder's config; its process and the port it listens on (0 if it did not start).</summary>
    private static (Process Process, int Port) Launch(string binary, string folder)
    {
        var process = Process.Start(
            new ProcessStartInfo(binary, ["--config", Path.Combine(folder, "config")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }
        )!;
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new StreamWriter(Path.Combine(folder, "radicale.log"), append: true) { AutoFlush = true };
        var closed = false;
        void Line(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (log)
            {
                if (!closed)
                {
                    log.WriteLine(line);
                }
            }

            if (ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            listening.TrySetResult(0);
            process.WaitForExit(); // the remaining output lines first
            lock (log)
            {
                closed = true;
                log.Dispose();
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return (process, listening.Task.Wait(TimeSpan.FromSeconds(30)) ? listening.Task.Result : 0);
    }

    /// <summary>Stops the server (as a server that is down: connections refused), keeping its data and port for
    /// <see cref="StartAgain"/>.</summary>
    public void StopServing() => Stop();

    /// <summary>Starts the server again on its port, with the data it had.</summary>
    public void StartAgain()
    {
        var config = Path.Combine(folder, "config");
        File.WriteAllText(
            config,
            File.ReadAllText(config).Replace("hosts = 127.0.0.1:0", $"hosts = 127.0.0.1:{Port}", StringComparison.Ordinal)
        );
        for (var attempt = 0; ; attempt++)
        {
            (process, var port) = Launch(binary, folder);
            if (port == Port && WaitUntilReady())
            {
                return;
            }

            Stop();
            if (attempt == 20)
            {
                throw new InvalidOperationException("radicale did not start again on its port");
            }

            Thread.Sleep(250); // the port may linger a moment after the old process
        }
    }

    /// <summary>True once Radicale answers its well-known redirect (its own answer, not another server's on a reused port).</summary>
    private bool WaitUntilReady()
    {
        using var probe = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 200 && !process.HasExited; i++)
        {
            try
            {
                using var response = probe.Send(new HttpRequestMessage(HttpMethod.Get, new Uri(BaseAddress, ".well-known/caldav")));
                if (
                    response.StatusCode == HttpStatusCode.MovedPermanently
                    && response.Headers.Server.ToString().Contains("WSGIServer", StringComparison.Ordinal)
                )
                {
                    return !process.HasExited;
                }
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }

            Thread.Sleep(50);
        }

        return false;
    }

    private void Stop()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // already disposed: stopped before
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>One stored object's iCalendar text (<c>GET {calendar}{name}</c>), or null when there is none.</summary>
    public async Task<string?> GetObjectAsync(string user, Uri objectUrl)
    {
        using var response = await SendAsync(() => Request(HttpMethod.Get, objectUrl, user, "", "text/plain"));
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.Content.ReadAsStringAsync();
    }

    /// <summary>The names of the objects a calendar holds (a PROPFIND of depth 1), e.g. <c>abc.ics</c>.</summary>
    public async Task<IReadOnlyList<string>> ListObjectsAsync(string user, Uri calendar)
    {
        using var response = await SendAsync(() =>
        {
            var request = Request(
                new HttpMethod("PROPFIND"),
                calendar,
                user,
                "<?xml version=\"1.0\"?><d:propfind xmlns:d=\"DAV:\"><d:prop><d:getetag/></d:prop></d:propfind>",
                "application/xml"
            );
            request.Headers.Add("Depth", "1");
            return request;
        });
        var xml = System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync());
        return xml.Descendants(System.Xml.Linq.XName.Get("href", "DAV:"))
            .Select(h => h.Value.TrimEnd('/').Split('/')[^1])
            .Where(n => n.EndsWith(".ics", StringComparison.Ordinal))
            .Select(Uri.UnescapeDataString)
            .ToList();
    }

    /// <summary>Changes (or adds) a user's password on the running server (the users file is read at each login).</summary>
    public void SetPassword(string user, string password)
    {
        users[user] = password;
        File.WriteAllText(UsersFile, string.Concat(users.Select(u => $"{u.Key}:{u.Value}\n")));
    }

    /// <summary>Makes a calendar collection <c>/{user}/{name}/</c> through CalDAV's MKCALENDAR; its URL.</summary>
    public async Task<Uri> CreateCalendarAsync(string user, string name, string displayName, string components = "VEVENT")
    {
        var url = new Uri(BaseAddress, $"{user}/{name}/");
        var comps = string.Concat(components.Split(',').Select(c => $"<c:comp name=\"{c}\"/>"));
        using var response = await SendAsync(() =>
            Request(
                new HttpMethod("MKCALENDAR"),
                url,
                user,
                $"""
                <?xml version="1.0" encoding="utf-8"?>
                <c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
                  <d:set><d:prop><d:displayname>{SecurityElement(
                    displayName
                )}</d:displayname><c:supported-calendar-component-set>{comps}</c:supported-calendar-component-set></d:prop></d:set>
                </c:mkcalendar>
                """,
                "application/xml"
            )
        );
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw new InvalidOperationException(
                $"MKCALENDAR {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}"
            );
        }

        return url;
    }

    /// <summary>Stores one iCalendar object (<c>PUT {calendar}{uid}.ics</c>), as a CalDAV client would.</summary>
    public async Task PutAsync(string user, Uri calendar, string uid, string ics)
    {
        using var response = await SendAsync(() =>
            Request(HttpMethod.Put, new Uri(calendar, Uri.EscapeDataString(uid) + ".ics"), user, ics, "text/calendar")
        );
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"PUT {uid} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}"
            );
        }
    }

    /// <summary>Replaces a whole calendar with one VCALENDAR holding many events (Radicale's PUT of a collection): fast seeding.</summary>
    public async Task PutCollectionAsync(string user, Uri calendar, string ics)
    {
        using var response = await SendAsync(() => Request(HttpMethod.Put, calendar, user, ics, "text/calendar"));
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"PUT of the collection answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}"
            );
        }
    }

    /// <summary>Deletes a whole calendar collection, as another CalDAV client would.</summary>
    public async Task DeleteCalendarAsync(string user, Uri calendar)
    {
        using var response = await SendAsync(() => Request(HttpMethod.Delete, calendar, user, "", "text/plain"));
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"DELETE {calendar} answered {(int)response.StatusCode}");
        }
    }

    /// <summary>Deletes one object (<c>DELETE {calendar}{uid}.ics</c>), as another CalDAV client would.</summary>
    public async Task DeleteAsync(string user, Uri calendar, string uid)
    {
        using var response = await SendAsync(() =>
            Request(HttpMethod.Delete, new Uri(calendar, Uri.EscapeDataString(uid) + ".ics"), user, "", "text/plain")
        );
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"DELETE {uid} answered {(int)response.StatusCode}");
        }
    }

    /// <summary>Forgets the calendar's sync-token history (Radicale keeps it in its cache folder): every token handed out before is refused
    /// now.</summary>
    public void ForgetSyncTokens(string user, string calendar)
    {
        var tokens = Path.Combine(folder, "collections", "collection-root", user, calendar, ".Radicale.cache", "sync-token");
        if (Directory.Exists(tokens))
        {
            Directory.Delete(tokens, recursive: true);
        }
    }

    /// <summary>One request as logged with its body (<see cref="TryStart(bool, ValueTuple{string, string}[])"/> with logContent).</summary>
    public sealed record LoggedRequest(string Method, string Path, string? Depth, string Content);

    /// <summary>Every request logged so far, with its body when Radicale logged it (debug), in order.</summary>
    public IReadOnlyList<LoggedRequest> Requests()
    {
        var requests = new List<LoggedRequest>();
        var open = new Dictionary<string, int>(StringComparer.Ordinal); // thread -> index of its request awaiting content
        string? contentThread = null;
        var content = new StringBuilder();
        void Close()
        {
            if (contentThread is not null && open.Remove(contentThread, out var at))
            {
                requests[at] = requests[at] with { Content = content.ToString() };
            }

            contentThread = null;
            content.Clear();
        }

        foreach (var line in Log().Split('\n'))
        {
            if (LogLinePrefix().Match(line) is not { Success: true } prefix)
            {
                if (contentThread is not null)
                {
                    content.AppendLine(line);
                }

                continue;
            }

            Close();
            var thread = prefix.Groups[1].Value;
            if (RequestWithDepth().Match(line) is { Success: true } request)
            {
                open[thread] = requests.Count;
                requests.Add(
                    new LoggedRequest(
                        request.Groups[1].Value,
                        request.Groups[2].Value,
                        request.Groups[4].Success ? request.Groups[4].Value : null,
                        ""
                    )
                );
            }
            else if (line.Contains("Request content:", StringComparison.Ordinal) && open.ContainsKey(thread))
            {
                contentThread = thread;
            }
        }

        Close();
        return requests;
    }

    /// <summary><see cref="Requests"/> once the log has caught up (as <see cref="CountRequestsSettledAsync"/>).</summary>
    public async Task<IReadOnlyList<LoggedRequest>> RequestsSettledAsync()
    {
        var requests = Requests();
        var stillFor = TimeSpan.Zero;
        for (
            var waited = TimeSpan.Zero;
            stillFor < TimeSpan.FromMilliseconds(200) && waited < TimeSpan.FromSeconds(5);
            waited += TimeSpan.FromMilliseconds(20)
        )
        {
            await Task.Delay(20);
            var now = Requests();
            stillFor =
                now.Count == requests.Count && now.Sum(r => r.Content.Length) == requests.Sum(r => r.Content.Length)
                    ? stillFor + TimeSpan.FromMilliseconds(20)
                    : TimeSpan.Zero;
            requests = now;
        }

        return requests;
    }

    /// <summary>Requests of this method (<c>REPORT</c>, <c>PROPFIND</c>, ...) the server has logged so far.</summary>
    public int CountRequests(string method) => RequestLine().Matches(Log()).Count(m => m.Groups[1].Value == method);

    /// <summary>
    /// <see cref="CountRequests"/> once the log has caught up: Radicale's lines reach the log file through an
    /// asynchronous pipe, so a request just answered may not be counted yet. Waits until the count holds still for
    /// 200 ms (at most 5 s).
    /// </summary>
    public async Task<int> CountRequestsSettledAsync(string method)
    {
        var count = CountRequests(method);
        var stillFor = TimeSpan.Zero;
        for (
            var waited = TimeSpan.Zero;
            stillFor < TimeSpan.FromMilliseconds(200) && waited < TimeSpan.FromSeconds(5);
            waited += TimeSpan.FromMilliseconds(20)
        )
        {
            await Task.Delay(20);
            var now = CountRequests(method);
            stillFor = now == count ? stillFor + TimeSpan.FromMilliseconds(20) : TimeSpan.Zero;
            count = now;
        }

        return count;
    }

    /// <summary>Everything the server logged (to check what it was sent, e.g. that no password is in it).</summary>
    public string Log()
    {
        using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>A helper request, sent again (up to 3 times) if the connection broke before an answer came.</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var message = request();
            try
            {
                return await http.SendAsync(message);
            }
            catch (HttpRequestException) when (attempt < 3)
            {
                await Task.Delay(100 * attempt);
            }
        }
    }

    private HttpRequestMessage Request(HttpMethod method, Uri url, string user, string body, string contentType)
    {
        var request = new HttpRequestMessage(method, url) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{users[user]}"))
        );
        request.Headers.ConnectionClose = true; // Radicale answers HTTP/1.0 and closes; a pooled connection could be stale
        return request;
    }

    private static string SecurityElement(string text) => System.Security.SecurityElement.Escape(text);

    [GeneratedRegex(@"\[INFO\] ([A-Z]+) request for ")]
    private static partial Regex RequestLine();

    [GeneratedRegex(@"^\[[^\]]+\] \[([^\]]+)\] \[[A-Z]+\]")]
    private static partial Regex LogLinePrefix();

    [GeneratedRegex(@"\[INFO\] ([A-Z]+) request for '([^']*)'( with depth '([^']*)')? received")]
    private static partial Regex RequestWithDepth();

    [GeneratedRegex(@"Listening on '\[127\.0\.0\.1\]:(\d+)'")]
    private static partial Regex ListeningLine();

    public void Dispose()
    {
        http.Dispose();
        try
        {
            Stop();
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open; the temp folder is cleaned by the system.
            }
        }
    }
}

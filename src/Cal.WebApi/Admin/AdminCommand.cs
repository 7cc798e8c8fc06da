using System.Globalization;
using System.Text.Json;
using Cal.Application.ApiKeys.Commands.CreateApiKey;
using Cal.Application.ApiKeys.Commands.RevokeApiKeys;
using Cal.Application.Common.Exceptions;
using Cal.Application.Platform.OAuthClients.Commands.CreateOAuthClient;
using Cal.Application.Users.Commands.CreateUser;
using Cal.Infrastructure.Persistence;
using Cal.WebApi.Hosting;
using Mediator;

namespace Cal.WebApi.Admin;

/// <summary>
/// <c>dotnet run --project src/Cal.WebApi -- &lt;verb&gt;</c>: admin commands on the same executable and
/// configuration as the server. Only the result goes to stdout; logs go to stderr.
/// Exit codes: 0 done, 1 the thing named does not exist or conflicts, 2 usage.
/// </summary>
public static class AdminCommand
{
    public const string Usage = """
        Usage: Cal.WebApi <command> [options]

          users create --email E [--time-zone Europe/Berlin]
          api-keys create --email E [--expires-in-days N]
          api-keys revoke --email E
          oauth-clients create --name N

        Any other --Section:Key=value pair sets configuration, as for the server.
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly string[] Verbs = ["users", "api-keys", "oauth-clients"];

    public static bool IsAdminInvocation(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    public static async Task<int> RunAsync(
        string[] args,
        TextWriter stdout,
        TextWriter stderr,
        IDictionary<string, string?>? configuration = null
    )
    {
        if (!TryParse(args, out var command, out var options, out var hostArgs, out var problem))
        {
            await stderr.WriteLineAsync(problem);
            await stderr.WriteLineAsync(Usage);
            return 2;
        }

        using var host = BuildHost(hostArgs, configuration, stderr);
        await using var scope = host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().InitializeAsync(CancellationToken.None);
        var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
        var log = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Cal.Admin");

        try
        {
            return await ExecuteAsync(command, options, mediator, stdout, log);
        }
        catch (RequestValidationException ex)
        {
            foreach (var error in ex.Errors)
            {
                await stderr.WriteLineAsync($"--{ToOption(error.Field)} {error.Message}");
            }

            await stderr.WriteLineAsync(Usage);
            return 2;
        }
        catch (Exception ex) when (ex is NotFoundException or ConflictException)
        {
            await stderr.WriteLineAsync(ex.Message);
            return 1;
        }
    }

    private static IHost BuildHost(string[] hostArgs, IDictionary<string, string?>? configuration, TextWriter log)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = hostArgs });
        if (configuration is not null)
        {
            builder.Configuration.AddInMemoryCollection(configuration);
        }

        builder.Logging.ClearProviders();
        builder.Services.AddCal(builder.Configuration, builder.Environment, logTo: log);
        return builder.Build();
    }

    /// <summary>One admin command through the mediator: its answer (JSON or the key) on standard output, one log line.</summary>
    private static async Task<int> ExecuteAsync(
        string command,
        Dictionary<string, string?> options,
        IMediator mediator,
        TextWriter stdout,
        ILogger log
    )
    {
        switch (command)
        {
            case "users create":
                var user = await mediator.Send(
                    new CreateUserCommand(options.GetValueOrDefault("email") ?? "", options.GetValueOrDefault("time-zone"))
                );
                await stdout.WriteLineAsync(JsonSerializer.Serialize(user, Json));
                log.LogInformation("Admin: created user {UserId}", user.Id);
                return 0;
            case "api-keys create":
                var days = options.TryGetValue("expires-in-days", out var d) ? ParseDays(d) : null;
                await stdout.WriteLineAsync(await mediator.Send(new CreateApiKeyCommand(options.GetValueOrDefault("email") ?? "", days)));
                log.LogInformation(
                    "Admin: issued an API key for user {Email}, expiring {Expiry}",
                    options["email"],
                    days is null ? "never" : $"in {days} days"
                );
                return 0;
            case "api-keys revoke":
                var revoked = await mediator.Send(new RevokeApiKeysCommand(options.GetValueOrDefault("email") ?? ""));
                await stdout.WriteLineAsync(JsonSerializer.Serialize(new { revokedApiKeyIds = revoked }, Json));
                log.LogInformation("Admin: revoked {Count} API key(s) of user {Email}", revoked.Count, options["email"]);
                return 0;
            case "oauth-clients create":
                var client = await mediator.Send(new CreateOAuthClientCommand(options.GetValueOrDefault("name") ?? ""));
                await stdout.WriteLineAsync(JsonSerializer.Serialize(client, Json));
                log.LogInformation("Admin: created OAuth client {ClientId}", client.ClientId);
                return 0;
            default:
                throw new InvalidOperationException(command);
        }
    }

    private static int? ParseDays(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var days) ? days : -1;

    private static string ToOption(string field) =>
        field switch
        {
            "timeZone" => "time-zone",
            "expiresInDays" => "expires-in-days",
            _ => field,
        };

    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["users create"] = ["email", "time-zone"],
        ["api-keys create"] = ["email", "expires-in-days"],
        ["api-keys revoke"] = ["email"],
        ["oauth-clients create"] = ["name"],
    };

    private static bool TryParse(
        string[] args,
        out string command,
        out Dictionary<string, string?> options,
        out string[] hostArgs,
        out string problem
    )
    {
        options = new Dictionary<string, string?>(StringComparer.Ordinal);
        hostArgs = [];
        problem = "";
        command = args.Length >= 2 ? $"{args[0]} {args[1]}" : string.Join(' ', args);
        if (!Allowed.TryGetValue(command, out var allowed))
        {
            problem = $"Unknown command '{command}'.";
            return false;
        }

        var rest = new List<string>();
        for (var i = 2; i < args.Length; i++)
        {
            var name = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : null;
            if (name is not null && allowed.Contains(name))
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    problem = $"--{name} needs a value.";
                    return false;
                }

                options[name] = args[++i];
            }
            else if (name is not null && name.Contains(':', StringComparison.Ordinal))
            {
                rest.Add(args[i]); // configuration, e.g. --ConnectionStrings:Default=...
            }
            else
            {
                problem = $"Unknown argument '{args[i]}'.";
                return false;
            }
        }

        var required = allowed[0];
        if (!options.ContainsKey(required))
        {
            problem = $"--{required} is required.";
            return false;
        }

        hostArgs = [.. rest];
        return true;
    }
}

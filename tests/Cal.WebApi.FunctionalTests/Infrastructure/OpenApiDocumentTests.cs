using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Cal.WebApi.FunctionalTests.Infrastructure;

/// <summary>The OpenAPI document describes every endpoint the app maps, in cal.com's names.</summary>
public sealed class OpenApiDocumentTests
{
    private CalApiFactory api = null!;
    private HttpClient client = null!;
    private JsonElement document;

    [OneTimeSetUp]
    public async Task FetchDocument()
    {
        api = new CalApiFactory();
        api.StartServer();
        client = api.CreateClient();
        var response = await client.GetAsync("/openapi/v1.json");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "served without authentication");
        document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [OneTimeTearDown]
    public async Task TearDown()
    {
        client.Dispose();
        await api.DisposeAsync();
        api.DeleteData();
    }

    [Test]
    public void EveryMappedApiEndpoint_IsInTheDocument()
    {
        var mapped = api
            .Services.GetRequiredService<EndpointDataSource>()
            .Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("v2/", StringComparison.Ordinal))
            .SelectMany(e =>
                (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m =>
                    (
                        "/"
                            + System.Text.RegularExpressions.Regex.Replace(
                                e.RoutePattern.RawText!.TrimEnd('/'),
                                @"\{(\w+):[^}]+\}",
                                "{$1}"
                            ),
                        m.ToLowerInvariant()
                    )
                )
            )
            .ToList();
        var documented = document
            .GetProperty("paths")
            .EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(op => (p.Name.TrimEnd('/'), op.Name)))
            .ToList();

        Assert.That(mapped, Is.Not.Empty);
        Assert.That(mapped, Is.SubsetOf(documented));
    }

    [Test]
    public void SaveEndpoint_UsesCalComsSchemaNames_AndDocumentsItsErrors()
    {
        var post = document.GetProperty("paths").GetProperty("/v2/calendars/ics-feed/save").GetProperty("post");
        var requestSchema = post.GetProperty("requestBody")
            .GetProperty("content")
            .GetProperty("application/json")
            .GetProperty("schema")
            .ToString();
        var responses = post.GetProperty("responses");

        Assert.Multiple(() =>
        {
            Assert.That(requestSchema, Does.Contain("#/components/schemas/CreateIcsFeedInputDto"));
            Assert.That(responses.GetProperty("201").ToString(), Does.Contain("#/components/schemas/CreateIcsFeedOutputResponseDto"));
            Assert.That(responses.GetProperty("400").ToString(), Does.Contain("#/components/schemas/ErrorResponseDto"));
            Assert.That(responses.GetProperty("401").ToString(), Does.Contain("#/components/schemas/ErrorResponseDto"));
        });
    }

    [Test]
    public void SaveSchemas_CarryExamples_ThatMatchTheirOwnSchemas()
    {
        foreach (var name in new[] { "CreateIcsFeedInputDto", "CreateIcsFeedOutputResponseDto", "ErrorResponseDto" })
        {
            var schema = document.GetProperty("components").GetProperty("schemas").GetProperty(name);
            Assert.That(schema.TryGetProperty("examples", out var examples), Is.True, name);
            Assert.That(SchemaCheck.Validate(document, schema, examples[0]), Is.Empty, name);
        }
    }

    [TestCase("/v2/oauth-clients/{clientId}/users")]
    [TestCase("/v2/oauth/{clientId}/refresh")]
    public void PlatformEndpoints_TakeTheClientSecret_NotABearerToken(string path)
    {
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("x-cal-secret-key");
        var post = document.GetProperty("paths").GetProperty(path).GetProperty("post");

        Assert.That(
            (scheme.GetProperty("type").GetString(), scheme.GetProperty("in").GetString(), scheme.GetProperty("name").GetString()),
            Is.EqualTo(("apiKey", "header", "x-cal-secret-key"))
        );
        Assert.That(post.GetProperty("security").GetArrayLength(), Is.EqualTo(1));
        Assert.That(post.GetProperty("security")[0].TryGetProperty("x-cal-secret-key", out _), Is.True);
    }

    [TestCase("/v2/calendars", "get", "200", "ConnectedCalendarsOutput")]
    [TestCase("/v2/calendars/busy-times", "get", "200", "GetBusyTimesOutput")]
    [TestCase("/v2/oauth-clients/{clientId}/users", "get", "200", "GetManagedUsersOutput")]
    [TestCase("/v2/oauth-clients/{clientId}/users/{userId}", "get", "200", "GetManagedUserOutput")]
    [TestCase("/v2/oauth-clients/{clientId}/users/{userId}", "patch", "200", "GetManagedUserOutput")]
    [TestCase("/v2/oauth-clients/{clientId}/users/{userId}/force-refresh", "post", "200", "KeysResponseDto")]
    [TestCase("/v2/api-keys/refresh", "post", "200", "RefreshApiKeyOutput")]
    public void Responses_CarryCalComsSchemaNames(string path, string method, string status, string schema)
    {
        var response = document
            .GetProperty("paths")
            .GetProperty(path)
            .GetProperty(method)
            .GetProperty("responses")
            .GetProperty(status)
            .ToString();

        Assert.That(response, Does.Contain($"#/components/schemas/{schema}\""));
    }

    [Test]
    public void NestedSchemas_CarryCalComsNames()
    {
        var schemas = document.GetProperty("components").GetProperty("schemas").EnumerateObject().Select(p => p.Name).ToList();

        Assert.That(
            schemas,
            Is.SupersetOf(
                new[]
                {
                    "ConnectedCalendarsData",
                    "ConnectedCalendar",
                    "Calendar",
                    "Integration",
                    "BusyTimesOutput",
                    "ManagedUserOutput",
                    "KeysDto",
                    "UpdateManagedUserInput",
                }
            )
        );
        Assert.That(
            schemas.Where(n =>
                n.StartsWith("SuccessEnvelopeOf", StringComparison.Ordinal)
                || n.EndsWith("Dto", StringComparison.Ordinal)
                    && !n.EndsWith("InputDto", StringComparison.Ordinal)
                    && !n.EndsWith("ResponseDto", StringComparison.Ordinal)
                    && !n.EndsWith("BodyDto", StringComparison.Ordinal)
                    && !n.EndsWith("OutputDto", StringComparison.Ordinal)
                    && n is not ("KeysDto" or "PaginationMetaDto")
            ),
            Is.Empty,
            "no Cal-internal names left"
        );
    }

    [Test]
    public void BusyTimes_DeclaresCalendarsToLoad_AsCalComDoes()
    {
        var parameters = document
            .GetProperty("paths")
            .GetProperty("/v2/calendars/busy-times")
            .GetProperty("get")
            .GetProperty("parameters")
            .EnumerateArray()
            .ToList();
        var calendarsToLoad = parameters.Single(p => p.GetProperty("name").GetString() == "calendarsToLoad");

        Assert.That(
            (calendarsToLoad.GetProperty("in").GetString(), calendarsToLoad.GetProperty("style").GetString()),
            Is.EqualTo(("query", "deepObject"))
        );
        Assert.That(
            calendarsToLoad.GetProperty("schema").GetProperty("items").GetProperty("properties").EnumerateObject().Select(p => p.Name),
            Is.EquivalentTo(new[] { "credentialId", "externalId" })
        );
    }

    [Test]
    public void Document_DeclaresBearerAuthentication()
    {
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.That(scheme.GetProperty("type").GetString(), Is.EqualTo("http"));
        Assert.That(scheme.GetProperty("scheme").GetString(), Is.EqualTo("bearer"));
        Assert.That(document.GetProperty("security")[0].TryGetProperty("bearer", out _), Is.True);
    }

    [Test]
    public async Task InteractiveReference_IsServedAtDocs()
    {
        var response = await client.GetAsync("/docs/");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("openapi/v1.json").And.Contain("scalar"));
    }
}

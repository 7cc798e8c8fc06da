using System.Text.Json;
using System.Text.Json.Nodes;
using Cal.Application.Webhooks.Common;

namespace Cal.Application.UnitTests.Webhooks.Common;

/// <summary>The template language's grammar, its bounds, and its two ways of rendering (JSON inside strings; text).</summary>
public sealed class PayloadTemplateTests
{
    private static readonly JsonObject Data = new()
    {
        ["title"] = "Call \"now\" {{uid}}",
        ["uid"] = "u1",
        ["length"] = 30,
        ["organizer"] = new JsonObject
        {
            ["name"] = "Alice",
            ["language"] = new JsonObject { ["locale"] = "en" },
        },
        ["attendees"] = new JsonArray(new JsonObject { ["name"] = "Bob" }),
        ["metadata"] = new JsonObject { ["k"] = "v" },
    };

    private static PayloadTemplate Parse(string template) =>
        PayloadTemplate.Parse(template, out var error) ?? throw new AssertionException(error!);

    [TestCase("{{#each attendees}}{{name}}{{/each}}")]
    [TestCase("{{> partial}}")]
    [TestCase("{{title | upper}}")]
    [TestCase("{{ title()}}")]
    [TestCase("{{.title}}")]
    [TestCase("{{a..b}}")]
    [TestCase("{{}}")]
    [TestCase("open {{title")]
    public void Anything_ButDottedPaths_IsRefused(string template)
    {
        Assert.That(PayloadTemplate.Parse(template, out var error), Is.Null);
        Assert.That(error, Is.Not.Null.And.Not.Empty);
    }

    [Test]
    public void TooLong_OrTooManyPlaceholders_IsRefused()
    {
        Assert.That(PayloadTemplate.Parse(new string('x', PayloadTemplate.MaxLength + 1), out _), Is.Null);
        Assert.That(
            PayloadTemplate.Parse(string.Concat(Enumerable.Repeat("{{uid}}", PayloadTemplate.MaxPlaceholders + 1)), out var error),
            Is.Null
        );
        Assert.That(error, Does.Contain("placeholders"));
        Assert.That(
            PayloadTemplate.Parse(string.Concat(Enumerable.Repeat("{{uid}}", PayloadTemplate.MaxPlaceholders)), out _),
            Is.Not.Null
        );
    }

    [Test]
    public void Text_SubstitutesValues_OnceAndAsTheyAre()
    {
        var template = Parse(
            "t={{ title }}&who={{organizer.name}}&first={{attendees.0.name}}&n={{length}}&m={{metadata}}&none={{nothing.here}}&oob={{attendees.5.name}}"
        );
        Assert.That(template.IsJson, Is.False);
        Assert.That(template.Render(Data), Is.EqualTo("t=Call \"now\" {{uid}}&who=Alice&first=Bob&n=30&m={\"k\":\"v\"}&none=&oob="));
    }

    [Test]
    public void Json_IsRenderedInsideItsStrings_SoItStaysValidJson_AndWholePlaceholdersKeepTheirType()
    {
        var template = Parse(
            """{"text":"Hi {{organizer.name}}: {{title}}","n":"{{length}}","meta":"{{metadata}}","list":["{{attendees.0.name}}",1,true,null],"missing":"{{nope}}"}"""
        );
        Assert.That(template.IsJson, Is.True);
        var rendered = JsonDocument.Parse(template.Render(Data)!).RootElement;

        Assert.That(rendered.GetProperty("text").GetString(), Is.EqualTo("Hi Alice: Call \"now\" {{uid}}"));
        Assert.That(rendered.GetProperty("n").GetInt32(), Is.EqualTo(30));
        Assert.That(rendered.GetProperty("meta").GetProperty("k").GetString(), Is.EqualTo("v"));
        Assert.That(rendered.GetProperty("list")[0].GetString(), Is.EqualTo("Bob"));
        Assert.That(rendered.GetProperty("missing").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public void Output_PastTheCap_IsCutOff_InBothModes()
    {
        var big = new JsonObject { ["blob"] = new string('b', 5000) };
        var copies = string.Concat(Enumerable.Repeat("{{blob}}", 60)); // 300,000 characters > 256 KB
        Assert.That(Parse(copies).Render(big), Is.Null);
        Assert.That(Parse("{\"a\":\"" + copies + "\"}").Render(big), Is.Null);
        Assert.That(Parse("[" + string.Join(",", Enumerable.Repeat("\"{{blob}}\"", 60)) + "]").Render(big), Is.Null);
        Assert.That(Parse(string.Concat(Enumerable.Repeat("{{blob}}", 50))).Render(big), Has.Length.EqualTo(250_000));
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cal.Application.Webhooks.Common;

/// <summary>
/// A webhook's <c>payloadTemplate</c>: text with <c>{{path}}</c> placeholders over the delivery's fields
/// (<c>{{title}}</c>, <c>{{organizer.name}}</c>, <c>{{attendees.0.email}}</c>, <c>{{triggerEvent}}</c>). Nothing else:
/// no helpers, blocks, partials or expressions, so rendering cannot loop, recurse, run code or reach a file or the
/// network; a value put in is never read again as template text. Bounded: the template's length and its number of
/// placeholders are capped when it is saved, and rendering stops at <see cref="MaxOutputChars"/>.
/// <para>
/// A template that is JSON is rendered inside its strings (each placeholder's value JSON-escaped; a string that is only
/// one placeholder takes the value's own JSON type), so it always renders to valid JSON and no value can change its
/// structure. Any other template is rendered as text, its values as they are.
/// </para>
/// </summary>
public sealed class PayloadTemplate
{
    public const int MaxLength = 16 * 1024;

    public const int MaxPlaceholders = 200;

    public const int MaxPathLength = 128;

    public const int MaxOutputChars = 256 * 1024;

    public const string Grammar = "placeholders are {{field}} or {{field.path}} (letters, digits, _ and . only)";

    private readonly string text;
    private readonly JsonNode? json;

    private PayloadTemplate(string text, JsonNode? json)
    {
        this.text = text;
        this.json = json;
    }

    /// <summary>Whether it renders to JSON (the body is then sent as <c>application/json</c>).</summary>
    public bool IsJson => json is not null;

    /// <summary>Parses <paramref name="template"/>, or says why it is refused.</summary>
    public static PayloadTemplate? Parse(string template, out string? error)
    {
        error = null;
        if (template.Length > MaxLength)
        {
            error = $"must be at most {MaxLength} characters";
            return null;
        }

        if (!CheckPlaceholders(template, out error))
        {
            return null;
        }

        JsonNode? json = null;
        try
        {
            json = JsonNode.Parse(template, documentOptions: new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            // not JSON: rendered as text
        }

        return new PayloadTemplate(template, json is JsonObject or JsonArray ? json : null);
    }

    /// <summary>Renders over <paramref name="data"/>; null when the output would pass <see cref="MaxOutputChars"/>.</summary>
    public string? Render(JsonObject data)
    {
        if (json is null)
        {
            var output = new StringBuilder();
            return RenderText(text, data, output) ? output.ToString() : null;
        }

        var budget = new Budget(MaxOutputChars);
        var rendered = RenderNode(json, data, budget);
        if (budget.Exceeded)
        {
            return null;
        }

        var result = rendered?.ToJsonString() ?? "null";
        return result.Length <= MaxOutputChars ? result : null;
    }

    private static bool CheckPlaceholders(string template, out string? error)
    {
        error = null;
        var count = 0;
        var at = 0;
        while ((at = template.IndexOf("{{", at, StringComparison.Ordinal)) >= 0)
        {
            var end = template.IndexOf("}}", at + 2, StringComparison.Ordinal);
            if (end < 0)
            {
                error = "has a {{ without its }}";
                return false;
            }

            var path = template[(at + 2)..end].Trim();
            if (
                path.Length == 0
                || path.Length > MaxPathLength
                || !path.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.')
                || path.StartsWith('.')
                || path.EndsWith('.')
                || path.Contains("..", StringComparison.Ordinal)
            )
            {
                error = $"has an unsupported placeholder {{{{{(path.Length > 40 ? path[..40] + "…" : path)}}}}}: {Grammar}";
                return false;
            }

            if (++count > MaxPlaceholders)
            {
                error = $"has more than {MaxPlaceholders} placeholders";
                return false;
            }

            at = end + 2;
        }

        return true;
    }

    /// <summary>Appends <paramref name="template"/> rendered; false once the output passes the cap.</summary>
    private static bool RenderText(string template, JsonObject data, StringBuilder output)
    {
        var at = 0;
        while (true)
        {
            var open = template.IndexOf("{{", at, StringComparison.Ordinal);
            if (open < 0)
            {
                output.Append(template, at, template.Length - at);
                break;
            }

            var close = template.IndexOf("}}", open + 2, StringComparison.Ordinal);
            output.Append(template, at, open - at);
            output.Append(ValueText(Lookup(data, template[(open + 2)..close].Trim())));
            at = close + 2;
            if (output.Length > MaxOutputChars)
            {
                return false;
            }
        }

        return output.Length <= MaxOutputChars;
    }

    private static JsonNode? RenderNode(JsonNode? node, JsonObject data, Budget budget)
    {
        if (budget.Exceeded)
        {
            return null;
        }

        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    copy[key] = RenderNode(value, data, budget);
                }

                return copy;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var value in array)
                {
                    items.Add(RenderNode(value, data, budget));
                }

                return items;
            case JsonValue value when value.TryGetValue<string>(out var s) && s.Contains("{{", StringComparison.Ordinal):
                var trimmed = s.Trim();
                if (
                    trimmed.StartsWith("{{", StringComparison.Ordinal)
                    && trimmed.EndsWith("}}", StringComparison.Ordinal)
                    && trimmed.IndexOf("{{", 2, StringComparison.Ordinal) < 0
                )
                {
                    // A string that is one placeholder takes the value's own type (a number stays a number, an object an object).
                    var found = Lookup(data, trimmed[2..^2].Trim());
                    budget.Spend(found?.ToJsonString().Length ?? 4);
                    return found?.DeepClone();
                }

                var output = new StringBuilder();
                if (!RenderText(s, data, output))
                {
                    budget.Spend(MaxOutputChars + 1);
                    return null;
                }

                budget.Spend(output.Length);
                return JsonValue.Create(output.ToString());
            default:
                budget.Spend(node?.ToJsonString().Length ?? 4);
                return node?.DeepClone();
        }
    }

    /// <summary>The value at a dotted path (object keys; array indexes), or null.</summary>
    private static JsonNode? Lookup(JsonObject data, string path)
    {
        JsonNode? current = data;
        foreach (var part in path.Split('.'))
        {
            current = current switch
            {
                JsonObject obj => obj.TryGetPropertyValue(part, out var next) ? next : null,
                JsonArray array
                    when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < array.Count => array[
                    index
                ],
                _ => null,
            };
            if (current is null)
            {
                return null;
            }
        }

        return current;
    }

    /// <summary>A value as template text: strings as they are, numbers and booleans as JSON writes them, objects and arrays as JSON,
    /// nothing as empty.</summary>
    private static string ValueText(JsonNode? value) =>
        value switch
        {
            null => "",
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => value.ToJsonString(),
        };

    private sealed class Budget(int chars)
    {
        private long left = chars;

        public bool Exceeded => left < 0;

        public void Spend(int n) => left -= n;
    }
}

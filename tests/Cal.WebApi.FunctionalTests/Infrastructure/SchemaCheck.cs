using System.Text.Json;

namespace Cal.WebApi.FunctionalTests.Infrastructure;

/// <summary>
/// Checks a JSON value against a schema of the OpenAPI document, for the part of JSON Schema that .NET's
/// OpenAPI generator writes: $ref, type (and type unions), oneOf/anyOf, properties, required, items.
/// Properties the schema does not declare are errors too, so a response must have exactly the declared shape.
/// </summary>
public static class SchemaCheck
{
    public static List<string> Validate(JsonElement document, JsonElement schema, JsonElement value)
    {
        var errors = new List<string>();
        Check(document, schema, value, "$", errors);
        return errors;
    }

    private static void Check(JsonElement document, JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        while (schema.TryGetProperty("$ref", out var reference))
        {
            schema = Resolve(document, reference.GetString()!);
        }

        if (schema.TryGetProperty("oneOf", out var choices) || schema.TryGetProperty("anyOf", out choices))
        {
            if (!choices.EnumerateArray().Any(choice => Validate(document, choice, value).Count == 0))
            {
                errors.Add($"{path}: matches none of its alternatives");
            }

            return;
        }

        if (schema.TryGetProperty("type", out var type))
        {
            var types =
                type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
            if (!types.Any(t => IsOfType(t, value)))
            {
                errors.Add($"{path}: {value.ValueKind} is not {string.Join(" or ", types)}");
                return;
            }
        }

        if (value.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var properties))
        {
            if (schema.TryGetProperty("required", out var required))
            {
                errors.AddRange(
                    required
                        .EnumerateArray()
                        .Select(r => r.GetString()!)
                        .Where(r => !value.TryGetProperty(r, out _))
                        .Select(r => $"{path}.{r}: required but missing")
                );
            }

            foreach (var property in value.EnumerateObject())
            {
                if (properties.TryGetProperty(property.Name, out var propertySchema))
                {
                    Check(document, propertySchema, property.Value, $"{path}.{property.Name}", errors);
                }
                else
                {
                    errors.Add($"{path}.{property.Name}: not declared in the schema");
                }
            }
        }

        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Check(document, items, item, $"{path}[{index++}]", errors);
            }
        }
    }

    private static bool IsOfType(string type, JsonElement value) =>
        type switch
        {
            "string" => value.ValueKind == JsonValueKind.String,
            "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
            "number" => value.ValueKind == JsonValueKind.Number,
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "null" => value.ValueKind == JsonValueKind.Null,
            "object" => value.ValueKind == JsonValueKind.Object,
            "array" => value.ValueKind == JsonValueKind.Array,
            _ => false,
        };

    private static JsonElement Resolve(JsonElement document, string reference)
    {
        var node = document;
        foreach (var part in reference.TrimStart('#', '/').Split('/'))
        {
            node = node.GetProperty(part);
        }

        return node;
    }
}

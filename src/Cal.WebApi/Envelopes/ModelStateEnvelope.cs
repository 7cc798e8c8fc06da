using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Cal.WebApi.Envelopes;

/// <summary>Malformed JSON and wrong JSON types, caught by MVC's model binding, as a 400 envelope with field paths.</summary>
public static class ModelStateEnvelope
{
    public static IActionResult Create(ActionContext context)
    {
        var writer = context.HttpContext.RequestServices.GetRequiredService<ErrorEnvelopeWriter>();
        var errors = context
            .ModelState.Where(e => e.Value is { Errors.Count: > 0 })
            .SelectMany(e => e.Value!.Errors.Select(error => new { field = FieldPath(e.Key), message = Describe(error) }))
            .ToList();
        var message = errors.Count == 1 ? $"{errors[0].field}: {errors[0].message}" : $"The request has {errors.Count} invalid fields.";
        return new ObjectResult(writer.Create(context.HttpContext, 400, message, new { errors })) { StatusCode = 400 };
    }

    // "$.urls[2]" -> "urls[2]"; "$" or "" -> "body".
    private static string FieldPath(string key)
    {
        var path = key.StartsWith('$') ? key.TrimStart('$').TrimStart('.') : key;
        return string.IsNullOrEmpty(path) ? "body" : path;
    }

    private static string Describe(ModelError error)
    {
        var text = error.ErrorMessage;
        if (string.IsNullOrEmpty(text))
        {
            return "is not valid JSON";
        }

        // A field the request does not have (bodies that refuse unknown fields, as cal.com's create pipe does).
        if (text.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return "is not a field of this request";
        }

        // System.Text.Json names .NET types; say what the client should send instead.
        if (text.Contains("could not be converted to", StringComparison.Ordinal))
        {
            return text switch
            {
                _ when text.Contains("Boolean", StringComparison.Ordinal) => "must be a boolean",
                _ when text.Contains("List`1", StringComparison.Ordinal) || text.Contains("[]", StringComparison.Ordinal) =>
                    "must be an array",
                _ when text.Contains("System.String", StringComparison.Ordinal) => "must be a string",
                _ => "has the wrong JSON type",
            };
        }

        var cut = text.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? text[..cut] : text;
    }
}

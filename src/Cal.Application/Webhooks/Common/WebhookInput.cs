using Cal.Domain.Webhooks;
using FluentValidation;

namespace Cal.Application.Webhooks.Common;

/// <summary>The rules of a webhook's fields, shared by create and update.</summary>
public static class WebhookInput
{
    public const int MaxUrlLength = 2048;

    public const int MaxSecretLength = 255;

    public static readonly string TriggersMessage =
        "each value must be one of the following values: " + string.Join(", ", WebhookTriggers.Supported);

    public static bool IsHttpUrl(string? value) =>
        value is { Length: > 0 and <= MaxUrlLength }
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && uri.Host.Length > 0;

    public static void SubscriberUrl<T>(IRuleBuilder<T, string?> rule, bool optional = false) =>
        rule.Must(u => (optional && u is null) || IsHttpUrl(u?.Trim()))
            .WithMessage("must be an absolute http or https URL of at most 2048 characters")
            .OverridePropertyName("subscriberUrl");

    public static void Triggers<T>(IRuleBuilder<T, IReadOnlyList<string?>?> rule, bool optional = false) =>
        rule.Must(t => (optional && t is null) || (t is { Count: > 0 and <= 32 } && t.All(WebhookTriggers.IsSupported)))
            .WithMessage(TriggersMessage)
            .OverridePropertyName("triggers");

    public static void Secret<T>(IRuleBuilder<T, string?> rule) => rule.MaximumLength(MaxSecretLength).OverridePropertyName("secret");

    public static void Template<T>(IRuleBuilder<T, string?> rule) =>
        rule.Custom(
            (template, context) =>
            {
                if (template is not null && PayloadTemplate.Parse(template, out var error) is null)
                {
                    context.AddFailure("payloadTemplate", error);
                }
            }
        );

    /// <summary>The triggers as stored: each once, in the order given.</summary>
    public static IReadOnlyList<string> Distinct(IReadOnlyList<string?> triggers) =>
        [.. triggers.OfType<string>().Distinct(StringComparer.Ordinal)];
}

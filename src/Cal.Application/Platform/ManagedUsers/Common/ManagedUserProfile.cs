using System.Text.Json;
using Cal.Domain.Users;
using FluentValidation;

namespace Cal.Application.Platform.ManagedUsers.Common;

/// <summary>
/// cal.com's profile fields of a managed user, as creation and update take them: <c>bio</c>, <c>weekStart</c>,
/// <c>timeFormat</c> (12 or 24), <c>locale</c>, <c>avatarUrl</c> and <c>metadata</c> (a JSON object of at most 50 keys of
/// at most 40 characters, each a string of at most 500 characters, a number or a boolean). Null: not given.
/// </summary>
public sealed record ManagedUserProfile(
    string? Bio = null,
    string? WeekStart = null,
    int? TimeFormat = null,
    string? Locale = null,
    string? AvatarUrl = null,
    JsonElement? Metadata = null
)
{
    public static readonly string[] WeekDays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    public static ManagedUserProfile None { get; } = new();

    public void ApplyTo(User user) =>
        user.UpdateProfile(
            Bio,
            WeekStart,
            TimeFormat,
            Locale?.Trim(),
            AvatarUrl?.Trim(),
            Metadata is { ValueKind: JsonValueKind.Object } m ? m.GetRawText() : null
        );

    public static bool IsValidMetadata(JsonElement? metadata) =>
        metadata is not { } m
        || (
            m.ValueKind == JsonValueKind.Object
            && m.EnumerateObject().Count() <= 50
            && m.EnumerateObject()
                .All(p =>
                    p.Name.Length is > 0 and <= 40 && p.Value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
                    || (p.Value.ValueKind == JsonValueKind.String && p.Value.GetString()!.Length <= 500)
                )
        );
}

/// <summary>The rules for <see cref="ManagedUserProfile"/>, shared by creation and update.</summary>
public sealed class ManagedUserProfileValidator : AbstractValidator<ManagedUserProfile>
{
    private static readonly ManagedUserProfileValidator Instance = new();

    /// <summary>Reports a command's profile problems under the fields' own names (<c>weekStart</c>, not
    /// <c>Profile.weekStart</c>).</summary>
    public static void Report<T>(ManagedUserProfile? profile, ValidationContext<T> context)
    {
        if (profile is null)
        {
            return;
        }

        foreach (var failure in Instance.Validate(profile).Errors)
        {
            context.AddFailure(failure.PropertyName, failure.ErrorMessage);
        }
    }

    public ManagedUserProfileValidator()
    {
        RuleFor(p => p.Bio).MaximumLength(2000).OverridePropertyName("bio");
        RuleFor(p => p.WeekStart)
            .Must(d => d is null || ManagedUserProfile.WeekDays.Contains(d))
            .WithMessage("must be one of Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday")
            .OverridePropertyName("weekStart");
        RuleFor(p => p.TimeFormat).Must(f => f is null or 12 or 24).WithMessage("must be 12 or 24").OverridePropertyName("timeFormat");
        RuleFor(p => p.Locale)
            .Matches("^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
            .When(p => p.Locale is not null)
            .WithMessage("must be a language tag such as en, de or pt-BR")
            .OverridePropertyName("locale");
        RuleFor(p => p.AvatarUrl)
            .Must(u => u is null || (Uri.TryCreate(u, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
            .WithMessage("must be an absolute http(s) URL")
            .MaximumLength(2048)
            .OverridePropertyName("avatarUrl");
        RuleFor(p => p.Metadata)
            .Must(ManagedUserProfile.IsValidMetadata)
            .WithMessage(
                "must be an object of at most 50 keys (up to 40 characters) whose values are strings (up to 500 characters), numbers or "
                    + "booleans"
            )
            .OverridePropertyName("metadata");
    }
}

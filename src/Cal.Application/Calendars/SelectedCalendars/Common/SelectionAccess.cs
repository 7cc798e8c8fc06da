using System.Linq.Expressions;
using Cal.Application.Calendars.Common;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using FluentValidation;

namespace Cal.Application.Calendars.SelectedCalendars.Common;

/// <summary>What selecting and deselecting share: the owner check on the calendar, and the request's rules.</summary>
internal static class SelectionAccess
{
    /// <summary>The caller's credential of that integration, holding that calendar; anything else is the same 404.</summary>
    public static async Task<Credential> HeldCalendarAsync(
        this ICredentialRepository credentials,
        CalendarProviders providers,
        int userId,
        string integration,
        string externalId,
        int credentialId,
        CancellationToken cancellationToken
    )
    {
        var credential = await credentials.FindForUserAsync(userId, credentialId, cancellationToken);
        if (
            credential is null
            || !string.Equals(credential.Type, integration, StringComparison.Ordinal)
            || providers.For(credential.Type) is not { } provider
            || !(await provider.CalendarIdsAsync(credential, cancellationToken)).Contains(externalId, StringComparer.Ordinal)
        )
        {
            throw new NotFoundException($"Calendar not found for credential {credentialId}.");
        }

        return credential;
    }

    /// <summary>cal.com's fields of both requests: <c>integration</c>, <c>externalId</c>, <c>credentialId</c>.</summary>
    public static void ApplyRules<T>(
        AbstractValidator<T> validator,
        Expression<Func<T, string?>> integration,
        Expression<Func<T, string?>> externalId,
        Expression<Func<T, int?>> credentialId
    )
    {
        validator.RuleFor(integration).NotEmpty().MaximumLength(64).OverridePropertyName("integration");
        validator.RuleFor(externalId).NotEmpty().MaximumLength(4096).OverridePropertyName("externalId");
        validator.RuleFor(credentialId).NotNull().GreaterThan(0).OverridePropertyName("credentialId");
    }
}

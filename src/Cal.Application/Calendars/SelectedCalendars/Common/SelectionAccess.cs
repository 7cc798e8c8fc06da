using Cal.Application.Calendars.Common;
using Cal.Application.Common.Exceptions;
using Cal.Application.Common.Interfaces;
using Cal.Domain.Calendars;
using FluentValidation;

namespace Cal.Application.Calendars.SelectedCalendars.Common;

/// <summary>cal.com's body of <c>POST</c> and <c>DELETE /v2/selected-calendars</c>: which calendar of which credential.</summary>
public interface ISelectionChange
{
    int UserId { get; }

    string? Integration { get; }

    string? ExternalId { get; }

    int? CredentialId { get; }
}

/// <summary>What selecting and deselecting share: the owner check on the calendar.</summary>
internal static class SelectionAccess
{
    /// <summary>The caller's credential of that integration, holding that calendar; anything else is the same 404.</summary>
    public static async Task<Credential> HeldCalendarAsync(
        this ICredentialRepository credentials,
        CalendarProviders providers,
        ISelectionChange change,
        CancellationToken cancellationToken
    )
    {
        var credentialId = change.CredentialId!.Value;
        var credential = await credentials.FindForUserAsync(change.UserId, credentialId, cancellationToken);
        if (
            credential is null
            || !string.Equals(credential.Type, change.Integration, StringComparison.Ordinal)
            || providers.For(credential.Type) is not { } provider
            || !(await provider.CalendarIdsAsync(credential, cancellationToken)).Contains(change.ExternalId!, StringComparer.Ordinal)
        )
        {
            throw new NotFoundException($"Calendar not found for credential {credentialId}.");
        }

        return credential;
    }
}

/// <summary>cal.com's fields of both requests: <c>integration</c>, <c>externalId</c>, <c>credentialId</c>.</summary>
public abstract class SelectionChangeValidator<T> : AbstractValidator<T>
    where T : ISelectionChange
{
    protected SelectionChangeValidator()
    {
        RuleFor(c => c.Integration).NotEmpty().MaximumLength(64).OverridePropertyName("integration");
        RuleFor(c => c.ExternalId).NotEmpty().MaximumLength(4096).OverridePropertyName("externalId");
        RuleFor(c => c.CredentialId).NotNull().GreaterThan(0).OverridePropertyName("credentialId");
    }
}

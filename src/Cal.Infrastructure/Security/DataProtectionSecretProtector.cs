using Cal.Application.Common.Interfaces;
using Microsoft.AspNetCore.DataProtection;

namespace Cal.Infrastructure.Security;

/// <summary>ASP.NET Core Data Protection (AES-256-CBC + HMACSHA256, rotating keys) for credential secrets.</summary>
internal sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    /// <summary>The purpose credential secrets are protected under.</summary>
    public const string Purpose = "Cal.Credentials.v1";

    private readonly IDataProtector protector = provider.CreateProtector(Purpose);

    public string Protect(string plaintext) => protector.Protect(plaintext);

    public string Unprotect(string protectedText) => protector.Unprotect(protectedText);
}

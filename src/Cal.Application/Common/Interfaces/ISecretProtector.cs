namespace Cal.Application.Common.Interfaces;

/// <summary>Encrypts credential secrets at rest. The keys live apart from the database.</summary>
public interface ISecretProtector
{
    string Protect(string plaintext);

    string Unprotect(string protectedText);
}

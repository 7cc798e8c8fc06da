namespace Cal.Application.Common.Interfaces;

/// <summary>Makes new plaintext keys and the one-way hash that is stored in their place.</summary>
public interface IApiKeyGenerator
{
    /// <summary>A new key: <c>cal_</c> followed by random characters.</summary>
    string Generate();

    string Hash(string plaintextKey);
}

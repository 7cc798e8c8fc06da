namespace Cal.Application.Common.Interfaces;

/// <summary>
/// Keys an account's identity (a CalDAV server's origin and a username) into the value stored in a credential's
/// <c>Account</c> column: an HMAC under a secret of this server's, kept protected by the Data Protection key ring, so a copy
/// of the database alone cannot be tested against a list of e-mail addresses. The same identity always gives the same key.
/// </summary>
public interface IAccountKeys
{
    Task<string> KeyOfAsync(string identity, CancellationToken cancellationToken);
}

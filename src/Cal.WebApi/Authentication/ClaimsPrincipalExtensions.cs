using System.Globalization;
using System.Security.Claims;

namespace Cal.WebApi.Authentication;

public static class ClaimsPrincipalExtensions
{
    public static int GetUserId(this ClaimsPrincipal user) =>
        int.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not authenticated."), CultureInfo.InvariantCulture);
}

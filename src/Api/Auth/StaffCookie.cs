using Microsoft.AspNetCore.Authentication.JwtBearer;
using PlateOrleans.Api.Http;
using PlateOrleans.Contracts;

namespace PlateOrleans.Api.Auth;

/// <summary>
/// The staff's sign-in cookie for the dashboard: the bearer token of <c>POST /api/v1/auth/token</c>, issued by the
/// sign-in page, kept HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it) and Secure over
/// HTTPS; a session cookie, whose token expires as any token does. Every request checks it against its account
/// (<see cref="AccountCheck"/>). Without it, a browser asking for a dashboard page is sent to the sign-in page; any
/// other request hears 401.
/// </summary>
public static class StaffCookie
{
    public const string Name = "plate-staff";
    public const string AntiforgeryName = "plate-staff-form";
    public const string AntiforgeryField = "__form";
    public const string SignInPath = "/dashboard/signin";
    public const string SignOutPath = "/dashboard/signout";

    /// <summary>Where a sign-in lands when it was not asked for a page, or was asked for one it may not send a browser to.</summary>
    public const string Home = "/dashboard/";

    public static void Append(HttpContext http, string token) =>
        http.Response.Cookies.Append(Name, token, Options(http));

    public static void Delete(HttpContext http) => http.Response.Cookies.Delete(Name, Options(http));

    /// <summary>Reads the token from the cookie only (the Authorization header belongs to the bearer scheme).</summary>
    public static Task OnMessageReceived(MessageReceivedContext context)
    {
        if (context.Request.Cookies.TryGetValue(Name, out var token) && token.Length is > 0 and <= 4096)
        {
            context.Token = token;
        }
        else
        {
            context.NoResult();
        }

        return Task.CompletedTask;
    }

    /// <summary>A browser asking for a dashboard page goes to the sign-in page; anything else hears 401 with the reason.</summary>
    public static async Task OnChallenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var http = context.HttpContext;
        if (http.Request.Cookies.ContainsKey(Name))
        {
            // Expired, or its account disabled or changed: the browser may drop it.
            Delete(http);
        }

        if (IsPageRequest(http.Request))
        {
            var returnUrl = http.Request.PathBase + http.Request.Path + http.Request.QueryString;
            http.Response.Redirect($"{SignInPath}?returnUrl={Uri.EscapeDataString(returnUrl)}");
            return;
        }

        var error = AccountCheck.FailureOf(http)
            ?? new PlateError(ErrorCodes.Unauthenticated, $"请先登录（Authorization: Bearer <token>，或在 {SignInPath} 以工作人员账户登录）。");
        await Problems.Write(http, Problems.Create(error));
    }

    /// <summary>
    /// The page to go to after signing in: a path of the dashboard, never another site (<c>//evil.example</c>,
    /// <c>/\evil.example</c>) nor anything outside it; the dashboard's home otherwise.
    /// </summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 and <= 512 } url
        && (url == "/dashboard" || url.StartsWith("/dashboard/", StringComparison.Ordinal))
        && !url.Contains("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal)
        && !url.Contains("..", StringComparison.Ordinal) && url.All(c => c is > ' ' and < '\u007f')
            ? url
            : Home;

    /// <summary>A browser navigating to a dashboard page: GET, under /dashboard, and HTML accepted.</summary>
    private static bool IsPageRequest(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && request.Path.StartsWithSegments("/dashboard", StringComparison.OrdinalIgnoreCase)
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private static CookieOptions Options(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = "/",
        IsEssential = true,
    };
}

using System.Net;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using PlateOrleans.Api.Auth;
using PlateOrleans.Api.Http;
using PlateOrleans.Contracts;

namespace PlateOrleans.Api.Operations;

/// <summary>
/// The staff's sign-in page for the dashboard (<c>GET/POST /dashboard/signin</c>) and its sign-out
/// (<c>POST /dashboard/signout</c>): a plain form, its posts guarded by an antiforgery token, checked exactly as
/// <c>POST /api/v1/auth/token</c> checks (<see cref="SignIns"/>: the same hashing, waits and limits). Admins,
/// operators and monitors get the <see cref="StaffCookie"/>; citizens and disabled accounts do not.
/// </summary>
public static class StaffSignInEndpoints
{
    private static readonly FormOptions _form = new() { ValueCountLimit = 8, KeyLengthLimit = 32, ValueLengthLimit = 1024 };

    /// <summary>The largest form read: a username, a password, a return path and the antiforgery token fit many times.</summary>
    private const int MaxFormBytes = 8 * 1024;

    public static IEndpointRouteBuilder MapStaffSignIn(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("").WithTags("Operations").AllowAnonymous().ExcludeFromDescription();
        pages.MapGet(StaffCookie.SignInPath, SignInPage);
        pages.MapPost(StaffCookie.SignInPath, SignInAsync).RequireRateLimiting(RateLimiting.SignInPolicy);
        pages.MapPost(StaffCookie.SignOutPath, SignOutAsync);
        return app;
    }

    private static IResult SignInPage(HttpContext http, IAntiforgery antiforgery)
    {
        var returnUrl = http.Request.Query["returnUrl"] is { Count: 1 } asked ? asked.ToString() : null;
        return Page(http, antiforgery, StatusCodes.Status200OK, StaffCookie.SafeReturnUrl(returnUrl), message: null);
    }

    private static async Task<IResult> SignInAsync(HttpContext http, IAntiforgery antiforgery, SignIns signIns, TokenService tokens)
    {
        if (await ReadFormAsync(http, antiforgery) is { } refused)
        {
            return refused;
        }

        var form = http.Request.Form;
        var returnUrl = StaffCookie.SafeReturnUrl(form["returnUrl"] is { Count: 1 } asked ? asked.ToString() : null);
        var username = form["username"] is { Count: 1 } u ? u.ToString().Trim() : "";
        var password = form["password"] is { Count: 1 } p ? p.ToString() : "";
        if (username.Length is 0 or > SignIns.MaxUsername || password.Length is 0 or > SignIns.MaxPassword)
        {
            return Page(http, antiforgery, StatusCodes.Status400BadRequest, returnUrl, "请输入用户名和密码。");
        }

        var signedIn = await signIns.CheckAsync(username, password, http);
        if (signedIn.Error is { } error)
        {
            if (error.RetryAfterSeconds is { } seconds)
            {
                http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return Page(http, antiforgery, Problems.StatusOf(error.Code), returnUrl, error.Detail);
        }

        var account = signedIn.Value!;
        if (account.Role == Role.Citizen)
        {
            return Page(http, antiforgery, StatusCodes.Status403Forbidden, returnUrl, "此页面仅限工作人员（管理员、操作员、监控账户）登录。");
        }

        StaffCookie.Append(http, tokens.Issue(account));
        return SeeOther(http, returnUrl);
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, IAntiforgery antiforgery)
    {
        if (await ReadFormAsync(http, antiforgery) is { } refused)
        {
            return refused;
        }

        StaffCookie.Delete(http);
        return SeeOther(http, StaffCookie.SignInPath);
    }

    /// <summary>Reads the posted form within small limits and checks its antiforgery token; the refusal, or null.</summary>
    private static async Task<IResult?> ReadFormAsync(HttpContext http, IAntiforgery antiforgery)
    {
        if (!http.Request.HasFormContentType)
        {
            return Problems.Result(new PlateError(Problems.UnsupportedMediaType, "请通过登录页的表单提交（application/x-www-form-urlencoded）。"));
        }

        if (http.Request.ContentLength > MaxFormBytes)
        {
            return Problems.Result(new PlateError(Problems.PayloadTooLarge, "表单内容过大。"));
        }

        try
        {
            await http.Request.ReadFormAsync(_form, http.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return Problems.Result(new PlateError(ErrorCodes.ValidationFailed, "表单格式不正确。"));
        }

        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Page(http, antiforgery, StatusCodes.Status400BadRequest, StaffCookie.Home, "页面已过期，请重新登录。");
        }

        return null;
    }

    private static IResult SeeOther(HttpContext http, string location)
    {
        http.Response.Headers.Location = location;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static IResult Page(HttpContext http, IAntiforgery antiforgery, int status, string returnUrl, string? message)
    {
        var form = antiforgery.GetAndStoreTokens(http).RequestToken ?? "";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.XFrameOptions = "DENY";
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
        var hidden = $"""<input type="hidden" name="{StaffCookie.AntiforgeryField}" value="{E(form)}">""";
        var error = message is null ? "" : $"""<p class="error" role="alert">{E(message)}</p>""";
        var html = $$"""
            <!doctype html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>工作人员登录 · 新能源汽车号牌预选</title>
            <style>
            body { font-family: system-ui, "PingFang SC", "Microsoft YaHei", sans-serif; background: #f4f6f8; margin: 0; }
            main { max-width: 22rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: .5rem; box-shadow: 0 1px 4px #0002; }
            h1 { font-size: 1.3rem; margin-top: 0; }
            label { display: block; margin: 1rem 0 .3rem; }
            input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; }
            button { margin-top: 1.2rem; width: 100%; padding: .6rem; font-size: 1rem; background: #1565c0; color: #fff; border: 0; border-radius: .3rem; }
            .error { color: #b71c1c; background: #fdecea; padding: .6rem; border-radius: .3rem; }
            .signout button { background: none; color: #555; text-decoration: underline; padding: 0; }
            small { color: #666; }
            </style>
            </head>
            <body>
            <main>
            <h1>工作人员登录</h1>
            <p><small>Orleans 控制台与运行指标仅限管理员、操作员和监控账户。</small></p>
            {{error}}
            <form method="post" action="{{StaffCookie.SignInPath}}">
            {{hidden}}
            <input type="hidden" name="returnUrl" value="{{E(returnUrl)}}">
            <label for="username">用户名</label>
            <input type="text" id="username" name="username" autocomplete="username" maxlength="{{SignIns.MaxUsername}}" required autofocus>
            <label for="password">密码</label>
            <input type="password" id="password" name="password" autocomplete="current-password" maxlength="{{SignIns.MaxPassword}}" required>
            <button type="submit">登录</button>
            </form>
            <form class="signout" method="post" action="{{StaffCookie.SignOutPath}}">
            {{hidden}}
            <button type="submit">退出登录</button>
            </form>
            </main>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}

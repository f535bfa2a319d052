using PlateOrleans.Baseline.Auth;
using PlateOrleans.Baseline.Domain;
using PlateOrleans.Baseline.Http;
using PlateOrleans.Baseline.Selections;

namespace PlateOrleans.Baseline.Endpoints;

/// <summary>The formal selection over HTTP, keyed by VIN; every POST accepts an <c>Idempotency-Key</c>.</summary>
public static class SelectionEndpoints
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapSelections(this IEndpointRouteBuilder app)
    {
        var flow = app.MapGroup("/api/v1/selections/{vin}").RequireAuthorization();
        flow.MapPost("", (HttpContext http, SelectionService selections, string vin) => Run(http, selections, vin, new Step("enter")));
        flow.MapGet("", Read);
        flow.MapPost("/info-confirmation", (HttpContext http, SelectionService selections, string vin, InfoConfirmationRequest? body) =>
            body?.NoticeVersion is { Length: > 0 and <= 64 } version
                ? Run(http, selections, vin, new Step("info", version))
                : Task.FromResult(FieldErrors.One("noticeVersion", "请提供所阅读业务须知的版本。")));
        flow.MapPost("/start", (HttpContext http, SelectionService selections, string vin) => Run(http, selections, vin, new Step("start")));
        flow.MapPost("/sms-code", (HttpContext http, SelectionService selections, string vin) => Run(http, selections, vin, new Step("sms")));
        flow.MapPost("/verification", (HttpContext http, SelectionService selections, string vin, VerificationRequest? body) =>
            body?.Code is { Length: > 0 and <= 16 } code
                ? Run(http, selections, vin, new Step("verify", code))
                : Task.FromResult(FieldErrors.One("code", "请输入 6 位验证码。")));
        flow.MapPost("/draws", (HttpContext http, SelectionService selections, string vin, DrawRequest? body) =>
            Run(http, selections, vin, new Step("draw", body?.ExcludeFour == true ? "true" : "false")));
        flow.MapPost("/backups", (HttpContext http, SelectionService selections, string vin, PlateRequest? body) =>
            body?.Plate is { Length: > 0 and <= 16 } plate
                ? Run(http, selections, vin, new Step("backup", plate))
                : Task.FromResult(FieldErrors.One("plate", "请提供号牌号码。")));
        flow.MapPost("/confirmation", (HttpContext http, SelectionService selections, string vin, PlateRequest? body) =>
            body?.Plate is { Length: > 0 and <= 16 } plate
                ? Run(http, selections, vin, new Step("confirm", plate))
                : Task.FromResult(FieldErrors.One("plate", "请提供号牌号码。")));
        return app;
    }

    private static async Task<Reply> Read(HttpContext http, SelectionService selections, string vin) =>
        CheckVin(vin) ?? await selections.ReadAsync(Caller.From(http.User), vin);

    private static async Task<Reply> Run(HttpContext http, SelectionService selections, string vin, Step step)
    {
        if (CheckVin(vin) is { } badVin)
        {
            return badVin;
        }

        string? key = http.Request.Headers[IdempotencyHeader];
        if (key is not null && (key.Length is 0 or > 128 || key.Any(c => c is < '!' or > '~')))
        {
            return FieldErrors.One(IdempotencyHeader, "Idempotency-Key 为 1 到 128 个可见 ASCII 字符。");
        }

        return await selections.ExecuteAsync(Caller.From(http.User), vin, step, key);
    }

    private static Reply? CheckVin(string vin) =>
        Identity.IsWellFormedVin(vin) ? null : FieldErrors.One("vin", "车辆识别代号为 17 位字母和数字（不含 I、O、Q）。");
}

using Microsoft.AspNetCore.RateLimiting;
using PlateOrleans.Api.Auth;
using PlateOrleans.Api.Http;
using PlateOrleans.Api.Operations;
using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;

namespace PlateOrleans.Api.Selections;

public sealed record InfoConfirmationRequest(string? NoticeVersion);

public sealed record VerificationRequest(string? Code);

/// <summary><c>excludeFour</c> defaults to false.</summary>
public sealed record DrawRequest(bool? ExcludeFour);

public sealed record PlateRequest(string? Plate);

/// <summary>
/// The selection flow over HTTP, keyed by VIN: the formal selection under <c>/selections</c> and the practice run
/// under <c>/simulations</c>, with the same sub-paths and views. Every POST accepts an <c>Idempotency-Key</c>.
/// </summary>
public static class SelectionEndpoints
{
    public const string IdempotencyHeader = "Idempotency-Key";
    private const int MaxIdempotencyKeyLength = 128;

    public static IEndpointRouteBuilder MapSelections(this IEndpointRouteBuilder app)
    {
        MapFlow(app.MapGroup("/api/v1/selections/{vin}").WithTags("Formal selection"), simulation: false);
        MapFlow(app.MapGroup("/api/v1/simulations/{vin}").WithTags("Simulation"), simulation: true);
        return app;
    }

    private static void MapFlow(RouteGroupBuilder flow, bool simulation)
    {
        flow.RequireAuthorization();
        var name = simulation ? "Simulation" : "Selection";
        if (!simulation)
        {
            // The steps that write (every POST of a formal selection) are refused early when the process is overloaded.
            ((IEndpointConventionBuilder)flow).Add(endpoint =>
            {
                if (endpoint.Metadata.OfType<HttpMethodMetadata>().Any(m => m.HttpMethods.Contains(HttpMethods.Post)))
                {
                    endpoint.Metadata.Add(new EnableRateLimitingAttribute(RateLimiting.WritesPolicy));
                }
            });
        }

        flow.MapPost("", (HttpContext http, IGrainFactory grains, string vin) =>
                Run(http, grains, vin, simulation, new SelectionCommand.Enter()))
            .WithName($"Enter{name}").WithSummary("Enters (starts or resumes) the selection; answers the stage to continue at.")
            .Produces<SelectionView>().ProducesProblem(403).ProducesProblem(409).ProducesProblem(503);

        flow.MapGet("", async (HttpContext http, IGrainFactory grains, string vin) =>
                CheckVin(vin) ?? ToResult(await Flow(grains, vin, http.User.ToCaller(), simulation).ReadAsync(http.User.ToCaller()), StatusCodes.Status200OK))
            .WithName($"Get{name}").WithSummary("The Selection view.")
            .Produces<SelectionView>().ProducesProblem(403).ProducesProblem(404);

        flow.MapPost("/info-confirmation", (HttpContext http, IGrainFactory grains, string vin, InfoConfirmationRequest? body) =>
                body?.NoticeVersion is { Length: > 0 and <= 64 } version
                    ? Run(http, grains, vin, simulation, new SelectionCommand.ConfirmInfo(version))
                    : Task.FromResult(new FieldErrors().Check(false, "noticeVersion", "请提供所阅读业务须知的版本。").ToResult()))
            .WithName($"ConfirmInfo{name}").WithSummary("Confirms the vehicle and office information and accepts the notice version.")
            .Produces<SelectionView>().ProducesProblem(400).ProducesProblem(409);

        flow.MapPost("/start", (HttpContext http, IGrainFactory grains, string vin) =>
                Run(http, grains, vin, simulation, new SelectionCommand.Start()))
            .WithName($"Start{name}").WithSummary("Starts the selection: on to identity verification.")
            .Produces<SelectionView>().ProducesProblem(409);

        flow.MapPost("/sms-code", (HttpContext http, IGrainFactory grains, string vin) =>
                Run(http, grains, vin, simulation, new SelectionCommand.SendSmsCode()))
            .WithName($"SendSmsCode{name}").WithSummary("Sends a verification code to the account's phone (a simulation sends none).")
            .Produces<SmsCodeSent>(StatusCodes.Status202Accepted).ProducesProblem(409).ProducesProblem(429);

        flow.MapPost("/verification", (HttpContext http, IGrainFactory grains, string vin, VerificationRequest? body) =>
                body?.Code is { Length: > 0 and <= 16 } code
                    ? Run(http, grains, vin, simulation, new SelectionCommand.Verify(code))
                    : Task.FromResult(new FieldErrors().Check(false, "code", "请输入 6 位验证码。").ToResult()))
            .WithName($"Verify{name}").WithSummary("Checks the verification code: on to drawing.")
            .Produces<SelectionView>().ProducesProblem(400).ProducesProblem(409).ProducesProblem(410).ProducesProblem(425).ProducesProblem(429);

        flow.MapPost("/draws", (HttpContext http, IGrainFactory grains, string vin, DrawRequest? body) =>
                Run(http, grains, vin, simulation, new SelectionCommand.Draw(body?.ExcludeFour ?? false), StatusCodes.Status201Created))
            .WithName($"Draw{name}").WithSummary("Draws a batch of numbers; costs one draw.")
            .Produces<SelectionView>(StatusCodes.Status201Created).ProducesProblem(409);

        flow.MapPost("/backups", (HttpContext http, IGrainFactory grains, string vin, PlateRequest? body) =>
                body?.Plate is { Length: > 0 and <= 16 } plate
                    ? Run(http, grains, vin, simulation, new SelectionCommand.AddBackup(plate))
                    : Task.FromResult(new FieldErrors().Check(false, "plate", "请提供号牌号码。").ToResult()))
            .WithName($"AddBackup{name}").WithSummary("Keeps one number of the current batch as a backup.")
            .Produces<SelectionView>().ProducesProblem(400).ProducesProblem(409);

        flow.MapPost("/confirmation", (HttpContext http, IGrainFactory grains, string vin, PlateRequest? body) =>
                body?.Plate is { Length: > 0 and <= 16 } plate
                    ? Run(http, grains, vin, simulation, new SelectionCommand.Confirm(plate))
                    : Task.FromResult(new FieldErrors().Check(false, "plate", "请提供号牌号码。").ToResult()))
            .WithName($"Confirm{name}").WithSummary("Confirms one valid backup: the selection is done.")
            .Produces<SelectionView>().ProducesProblem(400).ProducesProblem(409).ProducesProblem(503);
    }

    private static async Task<IResult> Run(HttpContext http, IGrainFactory grains, string vin, bool simulation, SelectionCommand command, int status = StatusCodes.Status200OK)
    {
        if (CheckVin(vin) is { } badVin)
        {
            return badVin;
        }

        string? key = http.Request.Headers[IdempotencyHeader];
        if (key is not null && (key.Length is 0 or > MaxIdempotencyKeyLength || key.Any(c => c is < '!' or > '~')))
        {
            return new FieldErrors().Check(false, IdempotencyHeader, $"Idempotency-Key 为 1 到 {MaxIdempotencyKeyLength} 个可见 ASCII 字符。").ToResult();
        }

        var caller = http.User.ToCaller();
        var reply = await Flow(grains, vin, caller, simulation).ExecuteAsync(caller, command, key);
        return ToResult(reply, status);
    }

    private static ISelectionFlow Flow(IGrainFactory grains, string vin, Caller caller, bool simulation) => simulation
        ? grains.Get<ISimulationSessionGrain>(SimulationKeys.Of(vin, caller.Username))
        : grains.Get<ISelectionSessionGrain>(vin);

    private static IResult? CheckVin(string vin) =>
        Vin.IsWellFormed(vin) ? null : new FieldErrors().Check(false, "vin", "车辆识别代号为 17 位字母和数字（不含 I、O、Q）。").ToResult();

    /// <summary>A selection's reply as HTTP: its problem, or the view (or the SMS answer) with <paramref name="status"/>.</summary>
    internal static IResult ToResult(SelectionReply reply, int status) => reply switch
    {
        { Error: { } error } => Problems.Result(error),
        { Sms: { } sms } => TypedResults.Json(sms, statusCode: StatusCodes.Status202Accepted),
        { View: { } view } => TypedResults.Json(view, statusCode: status),
        _ => throw new InvalidOperationException("A selection reply carries nothing."),
    };
}

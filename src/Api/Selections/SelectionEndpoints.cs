using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Primitives;
using PlateOrleans.Api.Auth;
using PlateOrleans.Api.Http;
using PlateOrleans.Api.Offices;
using PlateOrleans.Api.Operations;
using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;
using Problem = PlateOrleans.Api.Http.Problems.ProblemResult;

namespace PlateOrleans.Api.Selections;

public sealed record InfoConfirmationRequest(string? NoticeVersion);

public sealed record VerificationRequest(string? Code);

/// <summary><c>excludeFour</c> defaults to false.</summary>
public sealed record DrawRequest(bool? ExcludeFour);

public sealed record PlateRequest(string? Plate);

/// <summary>A place to exchange the plate: a location of the office, a date (<c>yyyy-MM-dd</c>) and one of its slots (<c>09:00-10:00</c>).</summary>
public sealed record AppointmentRequest(string? LocationId, string? Date, string? Slot);

/// <summary>What every step of a selection is called with: the vehicle, the caller, and the idempotency key.</summary>
public readonly record struct Step(HttpContext Http, IGrainFactory Grains, string Vin)
{
    /// <summary>
    /// The <c>Idempotency-Key</c> header as sent. Read whole rather than bound with <c>[FromHeader]</c>, which joins two
    /// keys into one (and drops empty ones into an array): a request with two keys is refused, since a retry carrying
    /// either one must not be taken for another request.
    /// </summary>
    public StringValues IdempotencyKeys => Http.Request.Headers[SelectionEndpoints.IdempotencyHeader];
}

/// <summary>
/// The selection flow over HTTP, keyed by VIN: the formal selection under <c>/selections</c> and the practice run
/// under <c>/simulations</c>, with the same sub-paths, views and handlers. Every POST accepts an <c>Idempotency-Key</c>.
/// </summary>
public static class SelectionEndpoints
{
    public const string IdempotencyHeader = "Idempotency-Key";
    private const int MaxIdempotencyKeyLength = 128;

    public static IEndpointRouteBuilder MapSelections(this IEndpointRouteBuilder app)
    {
        var formal = app.MapGroup("/api/v1/selections/{vin}").WithTags("Formal selection").RequireAuthorization();
        // The steps that write (every POST of a formal selection) are refused early when the process is overloaded.
        ((IEndpointConventionBuilder)formal).Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<HttpMethodMetadata>().Any(m => m.HttpMethods.Contains(HttpMethods.Post) || m.HttpMethods.Contains(HttpMethods.Delete)))
            {
                endpoint.Metadata.Add(new EnableRateLimitingAttribute(RateLimiting.WritesPolicy));
            }
        });
        new Flow(Simulation: false).Map(formal);
        new Flow(Simulation: true).Map(app.MapGroup("/api/v1/simulations/{vin}").WithTags("Simulation").RequireAuthorization());
        return app;
    }

    /// <summary>The handlers of one kind of selection (formal or practice).</summary>
    private sealed record Flow(bool Simulation)
    {
        private string Name => Simulation ? "Simulation" : "Selection";

        public void Map(RouteGroupBuilder flow)
        {
            flow.MapPost("", EnterAsync).WithName($"Enter{Name}")
                .WithSummary("Enters (starts or resumes) the selection; answers the stage to continue at.")
                .ProducesProblem(403).ProducesProblem(409).ProducesProblem(503);
            flow.MapGet("", GetAsync).WithName($"Get{Name}").WithSummary("The Selection view.")
                .ProducesProblem(403).ProducesProblem(404);
            flow.MapPost("/info-confirmation", ConfirmInfoAsync).WithName($"ConfirmInfo{Name}")
                .WithSummary("Confirms the vehicle and office information and accepts the notice version.")
                .ProducesProblem(400).ProducesProblem(409);
            flow.MapPost("/start", StartAsync).WithName($"Start{Name}")
                .WithSummary("Starts the selection: on to identity verification.")
                .ProducesProblem(409);
            flow.MapPost("/sms-code", SendSmsCodeAsync).WithName($"SendSmsCode{Name}")
                .WithSummary("Sends a verification code to the account's phone (a simulation sends none).")
                .ProducesProblem(409).ProducesProblem(429);
            flow.MapPost("/verification", VerifyAsync).WithName($"Verify{Name}")
                .WithSummary("Checks the verification code: on to drawing.")
                .ProducesProblem(400).ProducesProblem(409).ProducesProblem(410).ProducesProblem(425).ProducesProblem(429);
            flow.MapPost("/draws", DrawAsync).WithName($"Draw{Name}")
                .WithSummary("Draws a batch of numbers; costs one draw.")
                .ProducesProblem(409);
            flow.MapPost("/backups", AddBackupAsync).WithName($"AddBackup{Name}")
                .WithSummary("Keeps one number of the current batch as a backup.")
                .ProducesProblem(400).ProducesProblem(409);
            flow.MapPost("/confirmation", ConfirmAsync).WithName($"Confirm{Name}")
                .WithSummary("Confirms one valid backup: the selection is done.")
                .ProducesProblem(400).ProducesProblem(409).ProducesProblem(503);
            if (Simulation)
            {
                // Practice books no place and prints no voucher.
                return;
            }

            flow.MapPost("/appointment", BookAppointmentAsync).WithName("BookAppointment")
                .WithSummary("Books the place and time to exchange the plate, or moves the booking (not from the day before its date on).")
                .ProducesProblem(400).ProducesProblem(403).ProducesProblem(409);
            flow.MapGet("/appointment", GetAppointmentAsync).WithName("GetAppointment")
                .WithSummary("The booked appointment.").ProducesProblem(403).ProducesProblem(404);
            flow.MapDelete("/appointment", CancelAppointmentAsync).WithName("CancelAppointment")
                .WithSummary("Cancels the booked appointment (not from the day before its date on).")
                .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
            flow.MapGet("/voucher", VoucherEndpoints.GetVoucherAsync).WithName("GetVoucher")
                .WithSummary("The pre-selection voucher (预选号凭证): a printable HTML page, or the same facts as JSON with Accept: application/json.")
                .Produces<VoucherView>(200, "application/json").Produces<string>(200, "text/html")
                .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        }

        private Task<Results<Ok<SelectionView>, Problem>> EnterAsync([AsParameters] Step step) =>
            ViewAsync(step, new SelectionCommand.Enter());

        private async Task<Results<Ok<SelectionView>, Problem>> GetAsync(HttpContext http, IGrainFactory grains, string vin)
        {
            if (CheckVin(vin) is { } badVin)
            {
                return badVin;
            }

            var caller = http.User.ToCaller();
            var reply = await Of(grains, vin, caller).ReadAsync(caller);
            return reply.Error is { } error ? Problems.Result(error) : TypedResults.Ok(reply.View!);
        }

        private Task<Results<Ok<SelectionView>, Problem>> ConfirmInfoAsync([AsParameters] Step step, InfoConfirmationRequest? body) =>
            body?.NoticeVersion is { Length: > 0 and <= 64 } version
                ? ViewAsync(step, new SelectionCommand.ConfirmInfo(version))
                : Invalid<Ok<SelectionView>>("noticeVersion", "请提供所阅读业务须知的版本。");

        private Task<Results<Ok<SelectionView>, Problem>> StartAsync([AsParameters] Step step) =>
            ViewAsync(step, new SelectionCommand.Start());

        private Task<Results<Accepted<SmsCodeSent>, Problem>> SendSmsCodeAsync([AsParameters] Step step) =>
            AnswerAsync(step, new SelectionCommand.SendSmsCode(), reply => TypedResults.Accepted((string?)null, reply.Sms
                ?? throw new InvalidOperationException("Sending a code answered no code.")));

        private Task<Results<Ok<SelectionView>, Problem>> VerifyAsync([AsParameters] Step step, VerificationRequest? body) =>
            body?.Code is { Length: > 0 and <= 16 } code
                ? ViewAsync(step, new SelectionCommand.Verify(code))
                : Invalid<Ok<SelectionView>>("code", "请输入 6 位验证码。");

        private Task<Results<Created<SelectionView>, Problem>> DrawAsync([AsParameters] Step step, DrawRequest? body) =>
            AnswerAsync(step, new SelectionCommand.Draw(body?.ExcludeFour ?? false), reply => TypedResults.Created((string?)null, ViewOf(reply)));

        private Task<Results<Ok<SelectionView>, Problem>> AddBackupAsync([AsParameters] Step step, PlateRequest? body) =>
            body?.Plate is { Length: > 0 and <= 16 } plate
                ? ViewAsync(step, new SelectionCommand.AddBackup(plate))
                : Invalid<Ok<SelectionView>>("plate", "请提供号牌号码。");

        private Task<Results<Ok<SelectionView>, Problem>> ConfirmAsync([AsParameters] Step step, PlateRequest? body) =>
            body?.Plate is { Length: > 0 and <= 16 } plate
                ? ViewAsync(step, new SelectionCommand.Confirm(plate))
                : Invalid<Ok<SelectionView>>("plate", "请提供号牌号码。");

        private Task<Results<Created<AppointmentView>, Problem>> BookAppointmentAsync([AsParameters] Step step, AppointmentRequest? body)
        {
            if (body is null)
            {
                return Task.FromResult<Results<Created<AppointmentView>, Problem>>(FieldErrors.MissingBody());
            }

            var date = default(DateOnly);
            var errors = new FieldErrors()
                .Check(body.LocationId is { Length: > 0 and <= 64 }, "locationId", "请选择办理地点。")
                .Check(OfficeEndpoints.TryParseDate(body.Date, out date), "date", "date 为 yyyy-MM-dd 格式的日期。")
                .Check(body.Slot is { } slot && AppointmentDays.StartOf(slot) is not null, "slot", "时段为 HH:mm-HH:mm 格式。");
            if (errors.Any)
            {
                return Task.FromResult<Results<Created<AppointmentView>, Problem>>(errors.ToResult());
            }

            return AnswerAsync(step, new SelectionCommand.BookAppointment(body.LocationId!, date, body.Slot!), reply =>
                TypedResults.Created(SelectionPath(step.Vin, "appointment"), ViewOf(reply).Selected?.Appointment
                    ?? throw new InvalidOperationException("A booking answered no appointment.")));
        }

        private static async Task<Results<Ok<AppointmentView>, Problem>> GetAppointmentAsync(HttpContext http, IGrainFactory grains, string vin)
        {
            if (CheckVin(vin) is { } badVin)
            {
                return badVin;
            }

            var caller = http.User.ToCaller();
            var reply = await grains.Get<ISelectionSessionGrain>(vin).ReadAsync(caller);
            return reply.Error is { } error ? Problems.Result(error)
                : reply.View!.Selected?.Appointment is { } appointment ? TypedResults.Ok(appointment)
                : Problems.Result(PlateError.NotFound("尚未预约换牌时间和地点。"));
        }

        private Task<Results<NoContent, Problem>> CancelAppointmentAsync([AsParameters] Step step) =>
            AnswerAsync(step, new SelectionCommand.CancelAppointment(), _ => TypedResults.NoContent());

        private static string SelectionPath(string vin, string step) => $"/api/v1/selections/{vin}/{step}";

        private Task<Results<Ok<SelectionView>, Problem>> ViewAsync(Step step, SelectionCommand command) =>
            AnswerAsync(step, command, reply => TypedResults.Ok(ViewOf(reply)));

        /// <summary>Runs the step; its problem, or <paramref name="answer"/> of its reply.</summary>
        private async Task<Results<T, Problem>> AnswerAsync<T>(Step step, SelectionCommand command, Func<SelectionReply, T> answer)
            where T : IResult
        {
            var (reply, problem) = await RunAsync(step, command);
            if (problem is not null)
            {
                return problem;
            }

            return answer(reply!);
        }

        private static SelectionView ViewOf(SelectionReply reply) =>
            reply.View ?? throw new InvalidOperationException("A selection step answered no view.");

        /// <summary>Checks the VIN and the idempotency key, then runs the command in the selection's grain.</summary>
        private async Task<(SelectionReply? Reply, Problem? Problem)> RunAsync(Step step, SelectionCommand command)
        {
            if (CheckVin(step.Vin) is { } badVin)
            {
                return (null, badVin);
            }

            var keys = step.IdempotencyKeys;
            string? key = keys.Count == 0 ? null : keys.ToString();
            if (key is not null && (keys.Count > 1 || key.Length is 0 or > MaxIdempotencyKeyLength || key.Any(c => c is < '!' or > '~')))
            {
                return (null, new FieldErrors().Check(false, IdempotencyHeader, $"Idempotency-Key 为 1 到 {MaxIdempotencyKeyLength} 个可见 ASCII 字符。").ToResult());
            }

            var caller = step.Http.User.ToCaller();
            var reply = await Of(step.Grains, step.Vin, caller).ExecuteAsync(caller, command, key);
            return reply.Error is { } error ? (null, Problems.Result(error)) : (reply, null);
        }

        private ISelectionFlow Of(IGrainFactory grains, string vin, Caller caller) => Simulation
            ? grains.Get<ISimulationSessionGrain>(SimulationKeys.Of(vin, caller.Username))
            : grains.Get<ISelectionSessionGrain>(vin);

        private static Task<Results<T, Problem>> Invalid<T>(string field, string message) where T : IResult =>
            Task.FromResult<Results<T, Problem>>(new FieldErrors().Check(false, field, message).ToResult());

    }

    /// <summary>A problem naming <c>vin</c> unless it is a well-formed VIN.</summary>
    internal static Problem? CheckVin(string vin) =>
        Vin.IsWellFormed(vin) ? null : new FieldErrors().Check(false, "vin", "车辆识别代号为 17 位字母和数字（不含 I、O、Q）。").ToResult();
}

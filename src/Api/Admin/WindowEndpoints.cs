using Microsoft.AspNetCore.Http.HttpResults;
using PlateOrleans.Api.Auth;
using PlateOrleans.Api.Http;
using PlateOrleans.Api.Offices;
using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;
using Problem = PlateOrleans.Api.Http.Problems.ProblemResult;

namespace PlateOrleans.Api.Admin;

/// <summary>The number the window exchanges: by the plate, or by the code on the applicant's voucher (or both, agreeing).</summary>
public sealed record ExchangeRequest(string? Plate, string? VoucherCode);

/// <summary>The office's window: exchanging a pre-selected plate, and lifting a blacklist early.</summary>
public static class WindowEndpoints
{
    /// <summary>Maps onto the operators' group (<see cref="OperatorEndpoints"/>), staff only.</summary>
    public static RouteGroupBuilder MapWindow(this RouteGroupBuilder admin)
    {
        admin.MapPost("/offices/{code}/exchanges", Exchange)
            .WithName("Exchange").WithSummary("The plate was exchanged at the window: the number is issued and the selection is exchanged.")
            .Produces<SelectionView>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        admin.MapDelete("/blacklist/{username}", LiftBlacklist).RequireAuthorization(AuthSetup.AdminPolicy)
            .WithName("LiftBlacklist").WithSummary("Lifts a user's blacklist before it ends.")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(404);
        return admin;
    }

    private static async Task<Results<Ok<SelectionView>, Problem>> Exchange(string code, ExchangeRequest? body, HttpContext http, IGrainFactory grains)
    {
        if (body is null)
        {
            return FieldErrors.MissingBody();
        }

        var errors = new FieldErrors()
            .Check(body.Plate is not null || body.VoucherCode is not null, "plate", "请提供号牌号码或预选号凭证号。")
            .Check(body.Plate is null || PlateSerials.IsNevPlate(body.Plate), "plate", "号牌号码格式不正确。")
            .Check(body.VoucherCode is null || VoucherCodes.IsVoucherCode(body.VoucherCode), "voucherCode", "凭证号为 12 位字母和数字。");
        if (errors.Any)
        {
            return errors.ToResult();
        }

        var caller = http.User.ToCaller();
        if (!caller.Oversees(code))
        {
            return Problems.Result(new PlateError(ErrorCodes.Forbidden, "只能办理本车管所的换牌。"));
        }

        if (await OfficeEndpoints.FindAsync(grains, code) is null)
        {
            return OfficeEndpoints.NotFound(code);
        }

        var assignment = await grains.GetGrain<ILedgerReaderGrain>(0).FindLiveAsync(code, body.Plate, body.VoucherCode);
        if (assignment is null)
        {
            return Problems.Result(PlateError.NotFound("本车管所没有这个预选号牌（或凭证号不符）。"));
        }

        var reply = await grains.Get<ISelectionSessionGrain>(assignment.Vin).ExchangeAsync(caller.Username);
        return reply.Error is { } error ? Problems.Result(error) : TypedResults.Ok(reply.View!);
    }

    private static async Task<Results<NoContent, Problem>> LiftBlacklist(string username, HttpContext http, IGrainFactory grains, OperatorAudit audit)
    {
        // The blacklist is the person's: lifting it through one account lifts it for every account they hold.
        if (username.Length > 64 || await grains.Account(username).GetAsync() is not { } account)
        {
            return Problems.Result(PlateError.NotFound("用户不存在。"));
        }

        if (account.IdNumber is { } idNumber)
        {
            await grains.Get<IOwnerGrain>(idNumber).LiftBlacklistAsync();
        }

        // Named by the account it was lifted through: the person's ID number stays out of the trail.
        return await audit.RecordAsync(http.User.ToCaller(), AuditKinds.BlacklistLift, account.OfficeCode, $"blacklist lifted through account {account.Username}") is { } unrecorded
            ? unrecorded
            : TypedResults.NoContent();
    }
}

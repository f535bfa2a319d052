using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using PlateOrleans.Api.Auth;
using PlateOrleans.Api.Http;
using PlateOrleans.Api.Offices;
using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;
using Problem = PlateOrleans.Api.Http.Problems.ProblemResult;

namespace PlateOrleans.Api.Admin;

/// <summary>
/// The query of <c>GET /api/v1/admin/audit</c>: exactly one of <c>vin</c> (a vehicle's trail, oldest first, as ever),
/// <c>office</c> or <c>actor</c> (newest first, narrowed by <c>kind</c>, paged back with <c>before</c>, at most <c>limit</c>).
/// Bound as text and checked by hand, so that a malformed value answers validation_failed naming its field.
/// </summary>
public sealed record AuditSearch(string? Vin, string? Office, string? Actor, string? Kind, string? Before, string? Limit);

/// <summary>What operators query in disputes and exports: the ledger's assignments and the audit trail.</summary>
public static class LedgerEndpoints
{
    /// <summary>The most events one search answers.</summary>
    public const int MaxAuditLimit = 1000;

    /// <summary>The <c>kind</c> that stands for every operator's action (<see cref="AuditKinds.OperatorActions"/>).</summary>
    public const string OperatorKinds = "operator";

    /// <summary>Maps onto the operators' group (<see cref="OperatorEndpoints"/>), staff only.</summary>
    public static RouteGroupBuilder MapLedger(this RouteGroupBuilder admin)
    {
        admin.MapGet("/offices/{code}/assignments", GetAssignments)
            .WithName("GetAssignments").WithSummary("Every reserved and issued number of the office with its VIN, times and how it was chosen; ?format=csv for a file.")
            .Produces<List<Assignment>>();
        admin.MapGet("/audit", GetAudit)
            .WithName("GetAudit").WithSummary("The audit trail: a vehicle's (?vin=, oldest first), an office's (?office=, its operators or admins) or an actor's (?actor=, admins), newest first.")
            .WithDescription("?vin= gives every draw (with the numbers shown), backup, confirmation, auto-confirmation, release and exchange of a vehicle. "
                + "?office= and ?actor= give events newest first, with kind (comma-separated; 'operator' for every operator's action: office_settings, "
                + "pool_publication, vehicle_import, exchange, blacklist_lift, account_disabled, account_enabled, account_created), before (ISO 8601, to page back) "
                + "and limit (1-1000, 100 by default). An operator of another office gets 403 forbidden.")
            .Produces<List<AuditRecord>>();
        return admin;
    }

    private static async Task<Results<Ok<IReadOnlyList<Assignment>>, FileContentHttpResult, Problem>> GetAssignments(string code, string? format, HttpContext http, IGrainFactory grains)
    {
        if (!http.User.ToCaller().Oversees(code))
        {
            return Problems.Result(new PlateError(ErrorCodes.Forbidden, "只能查看本车管所的号牌分配。"));
        }

        if (await OfficeEndpoints.FindAsync(grains, code) is null)
        {
            return OfficeEndpoints.NotFound(code);
        }

        var assignments = await grains.GetGrain<ILedgerReaderGrain>(0).GetAssignmentsAsync(code);
        return format switch
        {
            null or "json" => TypedResults.Ok(assignments),
            "csv" => TypedResults.File(Csv(assignments), "text/csv; charset=utf-8", $"assignments-{code}.csv"),
            _ => new FieldErrors().Check(false, "format", "format 为 json 或 csv。").ToResult(),
        };
    }

    private static async Task<Results<Ok<IReadOnlyList<AuditRecord>>, Problem>> GetAudit([AsParameters] AuditSearch search, HttpContext http, IGrainFactory grains)
    {
        var given = (search.Vin is not null ? 1 : 0) + (search.Office is not null ? 1 : 0) + (search.Actor is not null ? 1 : 0);
        if (given != 1)
        {
            return new FieldErrors().Check(false, "vin", "请提供 vin、office 或 actor 之一。").ToResult();
        }

        var caller = http.User.ToCaller();
        return search.Vin is not null
            ? await VehicleTrailAsync(search.Vin, caller, grains)
            : await SearchTrailAsync(search, caller, grains);
    }

    private static async Task<Results<Ok<IReadOnlyList<AuditRecord>>, Problem>> VehicleTrailAsync(string vin, Caller caller, IGrainFactory grains)
    {
        if (!Vin.IsWellFormed(vin))
        {
            return new FieldErrors().Check(false, "vin", "请提供 17 位车辆识别代号。").ToResult();
        }

        var vehicle = await grains.Get<IVehicleGrain>(vin).GetAsync();
        if (vehicle is null)
        {
            return Problems.Result(PlateError.NotFound("未找到该车辆。"));
        }

        if (!caller.Oversees(vehicle.OfficeCode))
        {
            return Problems.Result(new PlateError(ErrorCodes.Forbidden, "只能查看本车管所车辆的记录。"));
        }

        return TypedResults.Ok(await grains.GetGrain<ILedgerReaderGrain>(0).GetAuditAsync(vin));
    }

    /// <summary>
    /// An office's trail (its operators, or admins) or an actor's (admins): checked in full before anything is read, and
    /// the scope before the office's existence, so that an operator learns nothing about other offices' codes.
    /// </summary>
    private static async Task<Results<Ok<IReadOnlyList<AuditRecord>>, Problem>> SearchTrailAsync(AuditSearch search, Caller caller, IGrainFactory grains)
    {
        var errors = new FieldErrors();
        errors.Check(search.Office is null || OfficeEndpoints.IsOfficeCode(search.Office), "office", "车管所代码为 6 位数字。");
        errors.Check(search.Actor is null || search.Actor is { Length: > 0 and <= 64 }, "actor", "用户名为 1 到 64 个字符。");
        var kinds = ParseKinds(search.Kind, errors);
        var limit = 100;
        errors.Check(search.Limit is null || (int.TryParse(search.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxAuditLimit),
            "limit", $"limit 为 1 到 {MaxAuditLimit}。");
        DateTimeOffset? before = null;
        if (search.Before is not null)
        {
            var parsed = DateTimeOffset.TryParse(search.Before, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment)
                && moment >= OfficeRequests.EarliestOpening && moment < OfficeRequests.LatestOpening;
            errors.Check(parsed, "before", "before 为 ISO 8601 时间，如 2026-11-25T09:00:00Z。");
            before = parsed ? moment.ToUniversalTime() : null;
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        if (search.Office is { } office)
        {
            if (!caller.Oversees(office))
            {
                return Problems.Result(new PlateError(ErrorCodes.Forbidden, "只能查看本车管所的记录。"));
            }

            if (await OfficeEndpoints.FindAsync(grains, office) is null)
            {
                return OfficeEndpoints.NotFound(office);
            }
        }

        var actor = search.Actor;
        if (actor is not null)
        {
            if (caller.Role != Role.Admin)
            {
                return Problems.Result(new PlateError(ErrorCodes.Forbidden, "只有管理员可以按操作人查询记录。"));
            }

            // Usernames are unique without regard to case: the trail holds the account's own spelling.
            actor = (await grains.Account(actor).GetAsync())?.Username ?? actor;
        }

        return TypedResults.Ok(await grains.GetGrain<ILedgerReaderGrain>(0).FindAuditAsync(new AuditQuery(search.Office, actor, kinds, before, limit)));
    }

    /// <summary><c>kind=draw,exchange</c>, or <c>operator</c> for every operator's action; none: every kind.</summary>
    private static IReadOnlyList<string> ParseKinds(string? kind, FieldErrors errors)
    {
        if (kind is null)
        {
            return [];
        }

        var names = kind.Split(',', StringSplitOptions.TrimEntries);
        var known = names.Length <= AuditKinds.All.Count + 1 && names.All(n => n == OperatorKinds || AuditKinds.All.Contains(n));
        errors.Check(known, "kind", $"kind 为以逗号分隔的 {OperatorKinds}、{string.Join("、", AuditKinds.All)}。");
        return known ? [.. names.SelectMany(n => n == OperatorKinds ? AuditKinds.OperatorActions : [n]).Distinct()] : [];
    }

    /// <summary>UTF-8 with a byte order mark, so that spreadsheet programs show the Chinese plates right.</summary>
    private static byte[] Csv(IReadOnlyList<Assignment> assignments)
    {
        var csv = new StringBuilder("plate,vin,by,reservedAt,exchangeBy,exchangedAt\n");
        foreach (var a in assignments)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{a.Plate},{a.Vin},{a.By.ToString().ToLowerInvariant()},{a.ReservedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ},{a.ExchangeBy:yyyy-MM-dd},{a.ExchangedAt?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}\n");
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv.ToString())];
    }
}

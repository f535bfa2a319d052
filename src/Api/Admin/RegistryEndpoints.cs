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

/// <summary>What operators query in disputes and exports: the ledger's assignments and a vehicle's audit trail.</summary>
public static class RegistryEndpoints
{
    /// <summary>Maps onto the operators' group (<see cref="OperatorEndpoints"/>), staff only.</summary>
    public static RouteGroupBuilder MapRegistry(this RouteGroupBuilder admin)
    {
        admin.MapGet("/offices/{code}/assignments", GetAssignments)
            .WithName("GetAssignments").WithSummary("Every reserved and issued number of the office with its VIN, times and how it was chosen; ?format=csv for a file.")
            .Produces<List<Assignment>>();
        admin.MapGet("/audit", GetAudit)
            .WithName("GetAudit").WithSummary("A vehicle's trail: every draw (with the numbers shown), backup, confirmation, auto-confirmation, release and exchange.")
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

        var assignments = await grains.GetGrain<IRegistryReaderGrain>(0).GetAssignmentsAsync(code);
        return format switch
        {
            null or "json" => TypedResults.Ok(assignments),
            "csv" => TypedResults.File(Csv(assignments), "text/csv; charset=utf-8", $"assignments-{code}.csv"),
            _ => new FieldErrors().Check(false, "format", "format 为 json 或 csv。").ToResult(),
        };
    }

    private static async Task<Results<Ok<IReadOnlyList<AuditRecord>>, Problem>> GetAudit(string? vin, HttpContext http, IGrainFactory grains)
    {
        if (!Vin.IsWellFormed(vin))
        {
            return new FieldErrors().Check(false, "vin", "请提供 17 位车辆识别代号。").ToResult();
        }

        var caller = http.User.ToCaller();
        var vehicle = await grains.Get<IVehicleGrain>(vin!).GetAsync();
        if (vehicle is null)
        {
            return Problems.Result(PlateError.NotFound("未找到该车辆。"));
        }

        if (!caller.Oversees(vehicle.OfficeCode))
        {
            return Problems.Result(new PlateError(ErrorCodes.Forbidden, "只能查看本车管所车辆的记录。"));
        }

        return TypedResults.Ok(await grains.GetGrain<IRegistryReaderGrain>(0).GetAuditAsync(vin!));
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

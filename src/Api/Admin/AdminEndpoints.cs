using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using PlateOrleans.Api.Accounts;
using PlateOrleans.Api.Auth;
using PlateOrleans.Api.Http;
using PlateOrleans.Api.Offices;
using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;
using Problem = PlateOrleans.Api.Http.Problems.ProblemResult;

namespace PlateOrleans.Api.Admin;

public sealed record CreateUserRequest(string? Username, string? Password, string? Role, string? OfficeCode);

public sealed record UserCreated(string Username, string Role, string? OfficeCode);

public sealed record VehicleImportItem(string? Vin, string? CurrentPlate, string? PlateKind, string? Energy, string? OwnerIdNumber, string? OwnerPhone);

public sealed record ImportRejection(int Index, string Code, string Detail);

public sealed record ImportResult(int Imported, IReadOnlyList<ImportRejection> Rejected);

/// <summary>Operators' and admins' work: staff accounts, offices, pool publication, vehicle import.</summary>
public static class AdminEndpoints
{
    public const int MaxImport = 10_000;

    /// <summary>Maps onto the operators' group (<see cref="OperatorEndpoints"/>), staff only.</summary>
    public static RouteGroupBuilder MapAdmin(this RouteGroupBuilder admin)
    {
        admin.MapPost("/users", CreateUser).RequireAuthorization(AuthSetup.AdminPolicy)
            .WithName("CreateUser").WithSummary("Creates an operator (of one office), an admin, or a monitor (reads /metrics and the whole dashboard, changes nothing).");
        admin.MapGet("/offices/{code}", GetOffice)
            .WithName("GetOfficeSettings").WithSummary("Every setting of an office, as PUT takes them (admin, or the office's operator).")
            .Produces<OfficeDetails>();
        admin.MapPut("/offices/{code}", PutOffice).RequireAuthorization(AuthSetup.AdminPolicy)
            .WithName("PutOffice").WithSummary("Creates or updates an office.")
            .WithDescription(OfficeRequests.RangesDescription)
            .Produces<OfficeDetails>().Produces<OfficeDetails>(StatusCodes.Status201Created).ProducesValidationProblem();
        admin.MapPut("/offices/{code}/pool", PutPool)
            .WithName("PublishPool").WithSummary("Publishes the pool: serial blocks per series; reserved and issued numbers stay out.")
            .Produces<PoolResponse>().ProducesValidationProblem();
        admin.MapPost("/offices/{code}/vehicles", ImportVehicles)
            .WithName("ImportVehicles").WithSummary("Imports or updates vehicles of the office; each bad item is rejected on its own.")
            .Produces<ImportResult>();
        return admin;
    }

    private static async Task<Results<Created<UserCreated>, Problem>> CreateUser(
        CreateUserRequest? body, HttpContext http, IGrainFactory grains, Passwords passwords, TimeProvider time, OperatorAudit audit)
    {
        if (body is null)
        {
            return FieldErrors.MissingBody();
        }

        var role = body.Role switch { "admin" => Role.Admin, "operator" => Role.Operator, "monitor" => Role.Monitor, _ => (Role?)null };
        var errors = new FieldErrors()
            .CheckCredentials(body.Username, body.Password)
            .Check(role is not null, "role", "角色为 admin、operator 或 monitor。");
        if (role == Role.Operator)
        {
            errors.Check(body.OfficeCode is { } code && await OfficeEndpoints.FindAsync(grains, code) is not null, "officeCode", "操作员须属于一个已开通的车管所。");
        }

        if (errors.Any)
        {
            return errors.ToResult();
        }

        var account = new AccountRecord
        {
            Username = body.Username!,
            PasswordHash = "",
            Role = role!.Value,
            OfficeCode = role == Role.Operator ? body.OfficeCode : null,
            CreatedAt = time.GetUtcNow(),
        };
        if (await passwords.HashAsync(account, body.Password!) is not { } hash)
        {
            return Problems.Result(Passwords.Busy());
        }

        var created = await grains.Account(account.Username).CreateAsync(account with { PasswordHash = hash });
        if (created.Error is { } error)
        {
            return Problems.Result(error);
        }

        var detail = account.OfficeCode is { } office ? $"{body.Role} {account.Username} of office {office} created" : $"{body.Role} {account.Username} created";
        return await audit.RecordAsync(http.User.ToCaller(), AuditKinds.AccountCreated, account.OfficeCode, detail) is { } unrecorded
            ? unrecorded
            : TypedResults.Created($"/api/v1/admin/users/{account.Username}", new UserCreated(account.Username, body.Role!, account.OfficeCode));
    }

    /// <summary>What an operator's page shows and an admin edits: PUT replaces the whole office, so it starts from these.</summary>
    private static async Task<Results<Ok<OfficeDetails>, Problem>> GetOffice(string code, HttpContext http, IGrainFactory grains, TimeProvider time)
    {
        if (!http.User.ToCaller().Oversees(code))
        {
            return Problems.Result(new PlateError(ErrorCodes.Forbidden, "只能查看本车管所的设置。"));
        }

        return await OfficeEndpoints.FindAsync(grains, code) is { } office
            ? TypedResults.Ok(OfficeDetails.From(office, time.GetUtcNow()))
            : OfficeEndpoints.NotFound(code);
    }

    private static async Task<Results<Ok<OfficeDetails>, Created<OfficeDetails>, Problem>> PutOffice(
        string code, OfficeRequest? body, HttpContext http, IGrainFactory grains, TimeProvider time, OperatorAudit audit)
    {
        if (!OfficeEndpoints.IsOfficeCode(code) || Provinces.OfDivisionCode(code) is null)
        {
            return new FieldErrors().Check(false, "code", "车管所代码为 6 位行政区划代码。").ToResult();
        }

        if (body is null)
        {
            return FieldErrors.MissingBody();
        }

        var errors = new FieldErrors();
        var settings = OfficeRequests.ToSettings(code, body, errors);
        if (settings is null)
        {
            return errors.ToResult();
        }

        var office = grains.Get<IOfficeGrain>(code);
        var existed = await office.GetAsync() is not null;
        var details = OfficeDetails.From(await office.PutAsync(settings), time.GetUtcNow());
        if (await audit.RecordAsync(http.User.ToCaller(), AuditKinds.OfficeSettings, code, OfficeRequests.Describe(settings, existed)) is { } unrecorded)
        {
            return unrecorded;
        }

        return existed
            ? TypedResults.Ok(details)
            : TypedResults.Created($"/api/v1/offices/{code}/notice", details);
    }

    private static async Task<Results<Ok<PoolResponse>, Problem>> PutPool(string code, PoolRequest? body, HttpContext http, IGrainFactory grains, OperatorAudit audit)
    {
        var caller = http.User.ToCaller();
        if (!caller.Oversees(code))
        {
            return Problems.Result(new PlateError(ErrorCodes.Forbidden, "只能管理本车管所的号池。"));
        }

        if (await OfficeEndpoints.FindAsync(grains, code) is null)
        {
            return OfficeEndpoints.NotFound(code);
        }

        if (body is null)
        {
            return FieldErrors.MissingBody();
        }

        var errors = new FieldErrors();
        var publication = OfficeRequests.ToPublication(body, errors);
        if (publication is null)
        {
            return errors.ToResult();
        }

        var published = await grains.Get<IOfficeGrain>(code).PublishPoolAsync(publication);
        if (published.Value is not { } office)
        {
            return Problems.Result(published.Error!);
        }

        var pool = await OfficeEndpoints.PoolAsync(grains, office);
        return await audit.RecordAsync(caller, AuditKinds.PoolPublication, code, OfficeRequests.Describe(pool)) is { } unrecorded
            ? unrecorded
            : TypedResults.Ok(pool);
    }

    private static async Task<Results<Ok<ImportResult>, Problem>> ImportVehicles(
        string code, JsonElement? body, HttpContext http, IGrainFactory grains, IOptions<JsonOptions> json, OperatorAudit audit)
    {
        var caller = http.User.ToCaller();
        if (!caller.Oversees(code))
        {
            return Problems.Result(new PlateError(ErrorCodes.Forbidden, "只能导入本车管所的车辆。"));
        }

        if (await OfficeEndpoints.FindAsync(grains, code) is null)
        {
            return OfficeEndpoints.NotFound(code);
        }

        if (body is not { ValueKind: JsonValueKind.Array } items)
        {
            return new FieldErrors().Check(false, "body", "请求内容为车辆数组。").ToResult();
        }

        if (items.GetArrayLength() > MaxImport)
        {
            return new FieldErrors().Check(false, "body", $"每次最多导入 {MaxImport} 辆车。").ToResult();
        }

        var rejected = new List<ImportRejection>();
        var valid = new List<(int Index, VehicleRecord Vehicle)>();
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var (vehicle, problem) = ToVehicle(item, code, json.Value.SerializerOptions);
            if (vehicle is not null)
            {
                valid.Add((index, vehicle));
            }
            else
            {
                rejected.Add(new ImportRejection(index, ErrorCodes.ValidationFailed, problem!));
            }

            index++;
        }

        // A VIN given twice is written once, as its last item says (items apply in order). A vehicle registered at
        // another office moves only by an admin's hand, never by an operator's.
        var mayMove = caller.Role == Role.Admin;
        var elsewhere = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        await Parallel.ForEachAsync(valid.GroupBy(v => v.Vehicle.Vin), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (sameVin, _) =>
        {
            var vehicle = sameVin.Last().Vehicle;
            var grain = grains.Get<IVehicleGrain>(vehicle.Vin);
            if (!mayMove && await grain.GetAsync() is { } existing && existing.OfficeCode != code)
            {
                elsewhere[vehicle.Vin] = existing.OfficeCode;
                return;
            }

            await grain.UpsertAsync(vehicle);
        });

        rejected.AddRange(valid.Where(v => elsewhere.ContainsKey(v.Vehicle.Vin)).Select(v =>
            new ImportRejection(v.Index, ErrorCodes.Forbidden, $"vin: 该车辆登记在车管所 {elsewhere[v.Vehicle.Vin]}，只有管理员可以转入。")));
        var result = new ImportResult(valid.Count(v => !elsewhere.ContainsKey(v.Vehicle.Vin)), [.. rejected.OrderBy(r => r.Index)]);

        // Counts only: the items carry ID numbers and phones, which the trail must not.
        var detail = $"{index} items: {result.Imported} imported, {result.Rejected.Count} rejected"
            + (elsewhere.IsEmpty ? "" : $" ({elsewhere.Count} registered at another office)");
        return await audit.RecordAsync(caller, AuditKinds.VehicleImport, code, detail) is { } unrecorded
            ? unrecorded
            : TypedResults.Ok(result);
    }

    private static (VehicleRecord? Vehicle, string? Problem) ToVehicle(JsonElement element, string officeCode, JsonSerializerOptions options)
    {
        VehicleImportItem? item;
        try
        {
            item = element.Deserialize<VehicleImportItem>(options);
        }
        catch (JsonException)
        {
            return (null, "不是有效的车辆记录（字段类型不正确）。");
        }

        if (item is null)
        {
            return (null, "车辆记录不能为空。");
        }

        var kind = item.PlateKind switch
        {
            "small" => PlateKind.Small,
            "large" => PlateKind.Large,
            "motorcycle" => PlateKind.Motorcycle,
            "trailer" => PlateKind.Trailer,
            _ => (PlateKind?)null,
        };
        var energy = item.Energy switch { "pure" => EnergyKind.Pure, "nonPure" => EnergyKind.NonPure, "fuel" => EnergyKind.Fuel, _ => (EnergyKind?)null };
        var problem =
            !Vin.IsValid(item.Vin) ? "vin: 车辆识别代号不正确（17 位，第 9 位为校验位）。"
            : !PlateSerials.IsPlausibleCurrentPlate(item.CurrentPlate) ? "currentPlate: 现号牌号码不正确。"
            : kind is null ? "plateKind: 号牌种类为 small、large、motorcycle 或 trailer。"
            : energy is null ? "energy: 能源种类为 pure、nonPure 或 fuel。"
            : !IdNumbers.IsValidPersonId(item.OwnerIdNumber) && !IdNumbers.IsValidCreditCode(item.OwnerIdNumber) ? "ownerIdNumber: 所有人身份证号码或统一社会信用代码不正确。"
            : item.OwnerPhone is not null && !AccountEndpoints.IsPhone(item.OwnerPhone) ? "ownerPhone: 所有人手机号码为以 1 开头的 11 位数字。"
            : null;
        return problem is null
            ? (new VehicleRecord(item.Vin!, item.CurrentPlate!, kind!.Value, energy!.Value, item.OwnerIdNumber!, officeCode, item.OwnerPhone), null)
            : (null, problem);
    }
}

using Npgsql;
using PlateOrleans.Baseline.Auth;
using PlateOrleans.Baseline.Data;
using PlateOrleans.Baseline.Domain;
using PlateOrleans.Baseline.Http;
using static PlateOrleans.Baseline.Data.Database;

namespace PlateOrleans.Baseline.Selections;

/// <summary>A step of the selection flow, with what an <c>Idempotency-Key</c> replay compares it by.</summary>
public sealed record Step(string Kind, string Argument = "")
{
    public string Fingerprint => $"{Kind}:{Argument}";
}

/// <summary>
/// Runs each selection step as one transaction: one round trip reads the selection row <c>FOR UPDATE</c> (steps of one
/// vehicle take turns), the caller's account and any stored reply for the <c>Idempotency-Key</c>; the step works on the
/// number rows; one more round trip writes the row, the stored reply, audit and SMS; then the commit.
/// </summary>
public sealed class SelectionService(NpgsqlDataSource db, OfficeCache offices)
{
    /// <summary>Errors that say "not now" rather than "no": a retry with the same key runs again.</summary>
    private static readonly HashSet<string> _transient = [Codes.Unavailable, Codes.Maintenance, Codes.SelectionClosed];

    public async Task<Reply> ExecuteAsync(Caller caller, string vin, Step step, string? key)
    {
        for (var attempt = 0; ; attempt++)
        {
            var (reply, raced) = await TryExecuteAsync(caller, vin, step, key);
            if (!raced || attempt > 0)
            {
                return reply;
            }
        }
    }

    /// <summary>Answers the reply, or that a concurrent first entry created the row meanwhile (then the step runs again).</summary>
    private async Task<(Reply Reply, bool Raced)> TryExecuteAsync(Caller caller, string vin, Step step, string? key)
    {
        var now = Now();
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var enter = step.Kind == "enter";

        await using var read = new NpgsqlBatch(connection, transaction);
        read.BatchCommands.Add(Command($"SELECT {SelectionRow.Columns} FROM selections WHERE vin = $1 FOR UPDATE", P(vin)));
        read.BatchCommands.Add(Command("SELECT id_number, user_type, office_code, blacklisted_until FROM accounts WHERE username_key = $1",
            P(caller.Username.ToLowerInvariant())));
        read.BatchCommands.Add(Command("SELECT office_code, plate_kind, energy, owner_id_number, owner_phone FROM vehicles WHERE vin = $1", P(vin)));
        read.BatchCommands.Add(Command("SELECT request, status, body, is_problem, retry_after FROM idempotent_replies WHERE vin = $1 AND key = $2",
            P(vin), P(key ?? "")));

        SelectionRow? row = null;
        (string? IdNumber, string? UserType, string? OfficeCode, DateTime? BlacklistedUntil)? account = null;
        (string OfficeCode, string PlateKind, string Energy, string Owner, string? Phone)? vehicle = null;
        (string Request, Reply Reply)? stored = null;
        await using (var r = await read.ExecuteReaderAsync())
        {
            if (await r.ReadAsync())
            {
                row = SelectionRow.Read(r);
            }

            await r.NextResultAsync();
            if (await r.ReadAsync())
            {
                account = (r.NullableString(0), r.NullableString(1), r.NullableString(2), r.Nullable<DateTime>(3));
            }

            await r.NextResultAsync();
            if (await r.ReadAsync())
            {
                vehicle = (r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.NullableString(4));
            }

            await r.NextResultAsync();
            if (key is not null && await r.ReadAsync())
            {
                stored = (r.GetString(0), new Reply(r.GetInt32(1), r.GetString(2), r.GetBoolean(3), r.Nullable<int>(4)));
            }
        }

        if (stored is { } first)
        {
            return (caller.IdNumber != row?.OwnerIdNumber ? NotOwner()
                : first.Request == step.Fingerprint ? first.Reply
                : Reply.Of(new Error(Codes.IdempotencyKeyReused, "该 Idempotency-Key 已用于另一个请求。")), false);
        }

        if (account is not { } applicant)
        {
            return (Reply.Of(new Error(Codes.Unauthenticated, "账户不存在。")), false);
        }

        var (insert, entered) = (false, false);
        Reply reply;
        SelectionSteps? steps = null;
        if (enter)
        {
            (reply, row, insert, entered) = await EnterAsync(connection, caller, applicant, vehicle, row, vin, now);
        }
        else if (row is null)
        {
            return (Reply.Of(Error.NotFound("该车辆尚未进入选号，请先进入选号。")), false);
        }
        else if (caller.IdNumber != row.OwnerIdNumber)
        {
            reply = NotOwner();
        }
        else if (await offices.GetAsync(row.OfficeCode, connection) is not { } office)
        {
            reply = Reply.Of(Error.NotFound("该车辆所属车管所不存在。"));
        }
        else if ((OfficeCalendar.Gate(office, now) ?? Blacklist(applicant.BlacklistedUntil, now)) is { } refusal)
        {
            reply = Reply.Of(refusal);
        }
        else
        {
            steps = new SelectionSteps(row, office, now, new PlateRows(connection, transaction, row.OfficeCode, vin), vehicle?.Phone);
            reply = step.Kind switch
            {
                "info" => steps.ConfirmInfo(step.Argument),
                "start" => steps.Start(),
                "sms" => steps.SendSmsCode(),
                "verify" => steps.Verify(step.Argument),
                "draw" => await steps.DrawAsync(step.Argument == "true"),
                "backup" => await steps.AddBackupAsync(step.Argument),
                "confirm" => await steps.ConfirmAsync(step.Argument),
                _ => throw new InvalidOperationException($"Unknown step {step.Kind}."),
            };
        }

        if (row is null)
        {
            return (reply, false);
        }

        // A first entry inserts the row with its answer; should a concurrent first entry have inserted it meanwhile,
        // nothing of this one is kept (the transaction rolls back) and the step runs again on that row.
        await using var write = new NpgsqlBatch(connection, transaction);
        if (insert || entered || steps?.Changed == true)
        {
            write.BatchCommands.Add(row.Save(insert, now));
        }

        foreach (var command in steps?.Writes ?? [])
        {
            write.BatchCommands.Add(command);
        }

        if (key is not null && !(reply.IsProblem && _transient.Contains(reply.Code ?? "")))
        {
            write.BatchCommands.Add(Command("""
                INSERT INTO idempotent_replies (vin, key, request, status, body, is_problem, retry_after, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (vin, key) DO NOTHING
                """, P(vin), P(key), P(step.Fingerprint), P(reply.Status), P(reply.Json), P(reply.IsProblem), N(reply.RetryAfter), P(now)));
        }

        if (write.BatchCommands.Count > 0)
        {
            await write.ExecuteNonQueryAsync();
            if (insert && write.BatchCommands[0].RecordsAffected == 0)
            {
                return (reply, true);
            }
        }

        await transaction.CommitAsync();
        return (reply, false);
    }

    /// <summary>
    /// Enters (starts or resumes): checks, in API.md's order, office state, ownership, region, blacklist, eligibility;
    /// then routes as the seed says (new → confirmInfo; in progress with draws left → serviceInfo; finished → as it is).
    /// </summary>
    private async Task<(Reply Reply, SelectionRow? Row, bool Insert, bool Changed)> EnterAsync(
        NpgsqlConnection connection,
        Caller caller,
        (string? IdNumber, string? UserType, string? OfficeCode, DateTime? BlacklistedUntil) applicant,
        (string OfficeCode, string PlateKind, string Energy, string Owner, string? Phone)? found,
        SelectionRow? row,
        string vin,
        DateTime now)
    {
        if (found is not { } vehicle)
        {
            return (Reply.Of(Error.NotFound("未找到该车辆。")), row, false, false);
        }

        if (await offices.GetAsync(vehicle.OfficeCode, connection) is not { } office)
        {
            return (Reply.Of(Error.NotFound("该车辆所属车管所未开通网上选号。")), row, false, false);
        }

        var rejection = OfficeCalendar.Gate(office, now)
            ?? (applicant.IdNumber is not null && applicant.IdNumber == vehicle.Owner ? null : new Error(Codes.NotOwner, "该车辆不属于本人或本单位。"))
            ?? Region(applicant.UserType, applicant.OfficeCode, vehicle.OfficeCode, office)
            ?? Blacklist(applicant.BlacklistedUntil, now)
            ?? (Eligibility.ReasonAgainst(vehicle.PlateKind, vehicle.Energy) is { } reason
                ? new Error(Codes.NotEligible, Eligibility.Describe(reason)) { Reason = reason }
                : null);
        if (rejection is not null)
        {
            return (Reply.Of(rejection), row, false, false);
        }

        if (row is null)
        {
            row = new SelectionRow
            {
                Vin = vin,
                OfficeCode = office.Code,
                OwnerIdNumber = vehicle.Owner,
                Applicant = caller.Username,
                Stage = Stages.ConfirmInfo,
                Rules = office.Rules,
                PlateKind = vehicle.PlateKind,
                Energy = vehicle.Energy,
                EnteredAt = now,
            };
            return (Reply.Of(200, row.View(now), BaselineJson.Wire.SelectionView), row, true, true);
        }

        row.Applicant = caller.Username;
        if (row.Stage == Stages.ConfirmInfo)
        {
            row.OwnerIdNumber = vehicle.Owner;
        }
        else if (row.InProgress)
        {
            if (row.RemainingDraws <= 0)
            {
                return (Reply.Of(new Error(Codes.DrawsExhausted, "随机选号次数已用完。")), row, false, false);
            }

            // Back to the service explanation: identity must be verified again on every entry.
            row.Stage = Stages.ServiceInfo;
        }

        return (Reply.Of(200, row.View(now), BaselineJson.Wire.SelectionView), row, false, true);
    }

    /// <summary>The Selection view, for its owner or an operator of its office.</summary>
    public async Task<Reply> ReadAsync(Caller caller, string vin)
    {
        await using var command = db.CreateCommand($"SELECT {SelectionRow.Columns} FROM selections WHERE vin = $1");
        command.Parameters.Add(P(vin));
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return Reply.Of(Error.NotFound("该车辆尚未进入选号。"));
        }

        var row = SelectionRow.Read(reader);
        if (caller.IdNumber != row.OwnerIdNumber && !caller.Oversees(row.OfficeCode))
        {
            return caller.Role == "citizen" ? NotOwner() : Reply.Of(new Error(Codes.Forbidden, "只能查看本车管所的选号。"));
        }

        return Reply.Of(200, row.View(Now()), BaselineJson.Wire.SelectionView);
    }

    /// <summary>
    /// The clock, to whole microseconds as PostgreSQL keeps it: a moment announced in an answer (say
    /// <c>confirmEnabledAt</c>) is exactly the one stored, so a client that acts at it is never early.
    /// </summary>
    private static DateTime Now()
    {
        var ticks = DateTime.UtcNow.Ticks;
        return new DateTime(ticks - (ticks % 10), DateTimeKind.Utc);
    }

    private static Error? Region(string? userType, string? registeredAt, string vehicleOffice, Office office) =>
        registeredAt == vehicleOffice ? null
        : userType is "newCarOwner" or "learner" or "unit" ? new Error(Codes.RegionNotAllowed, "新车车主、学员和单位用户只能在注册地预选号牌。")
        : office.CrossRegion ? null
        : new Error(Codes.RegionNotAllowed, $"{office.Name}不受理异地预选号牌。");

    private static Error? Blacklist(DateTime? until, DateTime now) =>
        until is { } u && u > now
            ? new Error(Codes.Blacklisted, $"您因逾期未办理换牌被列入黑名单，{OfficeCalendar.LocalDate(u):yyyy-MM-dd} 前不能网上预选号牌。") { Until = u }
            : null;

    private static Reply NotOwner() => Reply.Of(new Error(Codes.NotOwner, "该车辆不属于本人或本单位。"));
}

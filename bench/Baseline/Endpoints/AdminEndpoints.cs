using System.Globalization;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using PlateOrleans.Baseline.Auth;
using PlateOrleans.Baseline.Data;
using PlateOrleans.Baseline.Domain;
using PlateOrleans.Baseline.Http;
using static PlateOrleans.Baseline.Data.Database;

namespace PlateOrleans.Baseline.Endpoints;

/// <summary>Operators' and admins' work: offices, pool publication, vehicle import, the assignments.</summary>
public static class AdminEndpoints
{
    public const int MaxImport = 10_000;

    /// <summary>The most numbers one publication may hold (the rows are written in one transaction).</summary>
    public const int MaxPublishedNumbers = 2_000_000;

    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin").RequireAuthorization(AuthSetup.StaffPolicy);
        admin.MapPut("/offices/{code}", PutOffice).RequireAuthorization(AuthSetup.AdminPolicy);
        admin.MapPut("/offices/{code}/pool", PutPool);
        admin.MapPost("/offices/{code}/vehicles", ImportVehicles);
        admin.MapGet("/offices/{code}/assignments", GetAssignments);
        return app;
    }

    private static async Task<Reply> PutOffice(string code, OfficeRequest? body, NpgsqlDataSource db, OfficeCache offices)
    {
        if (Provinces.OfDivisionCode(code) is null)
        {
            return FieldErrors.One("code", "车管所代码为 6 位行政区划代码。");
        }

        if (body is null)
        {
            return FieldErrors.MissingBody();
        }

        var errors = new FieldErrors();
        var office = OfficeRequests.ToOffice(code, body, errors);
        if (office is null)
        {
            return errors.ToReply();
        }

        await using var command = db.CreateCommand("""
            INSERT INTO offices AS o (code, name, prefix, province, opens_at, from_minute, to_minute, maintenance, cross_region, rules,
                                      locations, notice_version, notice_text, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            ON CONFLICT (code) DO UPDATE SET name = excluded.name, prefix = excluded.prefix, province = excluded.province,
                opens_at = excluded.opens_at, from_minute = excluded.from_minute, to_minute = excluded.to_minute,
                maintenance = excluded.maintenance, cross_region = excluded.cross_region, rules = excluded.rules,
                locations = excluded.locations, notice_version = excluded.notice_version, notice_text = excluded.notice_text,
                updated_at = excluded.updated_at
            RETURNING (xmax = 0) AS inserted
            """);
        command.Parameters.AddRange((NpgsqlParameter[])[
            P(code), P(office.Name), P(office.Prefix), P(office.Province), N(office.OpensAt), P(office.FromMinute), P(office.ToMinute),
            P(office.Maintenance), P(office.CrossRegion), Jsonb(JsonSerializer.Serialize(office.Rules, BaselineJson.Wire.Rules)),
            Jsonb(JsonSerializer.Serialize(office.Locations, BaselineJson.Wire.ListLocation)), P(office.NoticeVersion), P(office.NoticeText),
            P(DateTime.UtcNow)]);
        var inserted = (bool)(await command.ExecuteScalarAsync())!;
        offices.Forget(code);
        var now = DateTime.UtcNow;
        var details = new OfficeDetails(code, office.Name, office.Prefix, office.Province, OfficeCalendar.StateAt(office, now).State, office.OpensAt,
            new HoursDto(office.HoursFrom, office.HoursTo), office.Maintenance, office.CrossRegion, office.Rules, office.Locations,
            new NoticeDto(office.NoticeVersion, office.NoticeText));
        return Reply.Of(inserted ? 201 : 200, details, BaselineJson.Wire.OfficeDetails);
    }

    /// <summary>
    /// Publishes the pool: every number of every block becomes a row with a cryptographically random key (written with
    /// binary COPY). Numbers no longer published leave unless reserved or issued; numbers already there keep their state.
    /// </summary>
    private static async Task<Reply> PutPool(string code, PoolRequest? body, HttpContext http, NpgsqlDataSource db, OfficeCache offices)
    {
        if (!Caller.From(http.User).Oversees(code))
        {
            return Reply.Of(new Error(Codes.Forbidden, "只能管理本车管所的号池。"));
        }

        if (await OfficeEndpoints.FindAsync(offices, code) is not { } office)
        {
            return OfficeEndpoints.NotFound(code);
        }

        if (body is null)
        {
            return FieldErrors.MissingBody();
        }

        var errors = new FieldErrors();
        var series = OfficeRequests.ToPublication(body, errors);
        if (series is null)
        {
            return errors.ToReply();
        }

        await using (var connection = await db.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using (var create = new NpgsqlCommand(
                "CREATE TEMP TABLE new_plates (plate text, plate_kind text, energy_letter text, random_key bigint, has_four boolean) ON COMMIT DROP",
                connection, transaction))
            {
                await create.ExecuteNonQueryAsync();
            }

            await using (var copy = await connection.BeginBinaryImportAsync("COPY new_plates FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var s in series)
                {
                    foreach (var serial in s.Blocks.SelectMany(Plates.Expand))
                    {
                        await copy.StartRowAsync();
                        await copy.WriteAsync(office.Prefix + serial, NpgsqlDbType.Text);
                        await copy.WriteAsync(s.PlateKind, NpgsqlDbType.Text);
                        await copy.WriteAsync(s.EnergyLetter, NpgsqlDbType.Text);
                        await copy.WriteAsync(Selections.PlateRows.RandomKey(), NpgsqlDbType.Bigint);
                        await copy.WriteAsync(serial.Contains('4'), NpgsqlDbType.Boolean);
                    }
                }

                await copy.CompleteAsync();
            }

            await using (var apply = new NpgsqlBatch(connection, transaction))
            {
                apply.BatchCommands.Add(Command("""
                    DELETE FROM plates p WHERE p.office_code = $1 AND p.state IN ('available', 'held')
                        AND NOT EXISTS (SELECT 1 FROM new_plates n WHERE n.plate = p.plate)
                    """, P(code)));
                apply.BatchCommands.Add(Command("""
                    INSERT INTO plates (office_code, plate, plate_kind, energy_letter, random_key, has_four)
                    SELECT $1, plate, plate_kind, energy_letter, random_key, has_four FROM new_plates
                    ON CONFLICT (office_code, plate) DO NOTHING
                    """, P(code)));
                apply.BatchCommands.Add(Command("UPDATE offices SET publication = $2, updated_at = now() WHERE code = $1",
                    P(code), Jsonb(JsonSerializer.Serialize(series, BaselineJson.Wire.ListSeriesBlocks))));
                apply.BatchCommands.Add(Command("ANALYZE plates"));
                await apply.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        offices.Forget(code);
        return Reply.Of(200, await OfficeEndpoints.PoolAsync(db, office with { Publication = series }), BaselineJson.Wire.PoolResponse);
    }

    private static async Task<Reply> ImportVehicles(string code, JsonElement? body, HttpContext http, NpgsqlDataSource db, OfficeCache offices)
    {
        var caller = Caller.From(http.User);
        if (!caller.Oversees(code))
        {
            return Reply.Of(new Error(Codes.Forbidden, "只能导入本车管所的车辆。"));
        }

        if (await OfficeEndpoints.FindAsync(offices, code) is null)
        {
            return OfficeEndpoints.NotFound(code);
        }

        if (body is not { ValueKind: JsonValueKind.Array } items)
        {
            return FieldErrors.One("body", "请求内容为车辆数组。");
        }

        if (items.GetArrayLength() > MaxImport)
        {
            return FieldErrors.One("body", $"每次最多导入 {MaxImport} 辆车。");
        }

        var rejected = new List<ImportRejection>();
        var valid = new Dictionary<string, (int Index, VehicleImportItem Item)>();
        var index = 0;
        foreach (var element in items.EnumerateArray())
        {
            var (item, problem) = ToVehicle(element);
            if (item is not null)
            {
                valid[item.Vin!] = (index, item);
            }
            else
            {
                rejected.Add(new ImportRejection(index, Codes.ValidationFailed, problem!));
            }

            index++;
        }

        // A VIN given twice is written once, as its last item says. A vehicle registered at another office moves only
        // by an admin's hand, never by an operator's.
        var list = valid.Values.ToList();
        await using var command = db.CreateCommand("""
            INSERT INTO vehicles AS v (vin, office_code, current_plate, plate_kind, energy, owner_id_number, owner_phone)
            SELECT vin, $1, current_plate, plate_kind, energy, owner_id_number, owner_phone
            FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
                AS i (vin, current_plate, plate_kind, energy, owner_id_number, owner_phone)
            ON CONFLICT (vin) DO UPDATE SET office_code = excluded.office_code, current_plate = excluded.current_plate,
                plate_kind = excluded.plate_kind, energy = excluded.energy, owner_id_number = excluded.owner_id_number,
                owner_phone = excluded.owner_phone
                WHERE v.office_code = excluded.office_code OR $8
            RETURNING vin
            """);
        command.Parameters.AddRange((NpgsqlParameter[])[
            P(code),
            P(list.Select(v => v.Item.Vin!).ToArray()),
            P(list.Select(v => v.Item.CurrentPlate!).ToArray()),
            P(list.Select(v => v.Item.PlateKind!).ToArray()),
            P(list.Select(v => v.Item.Energy!).ToArray()),
            P(list.Select(v => v.Item.OwnerIdNumber!).ToArray()),
            P(list.Select(v => v.Item.OwnerPhone).ToArray()),
            P(caller.Role == "admin")]);
        var written = new HashSet<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                written.Add(reader.GetString(0));
            }
        }

        rejected.AddRange(list.Where(v => !written.Contains(v.Item.Vin!))
            .Select(v => new ImportRejection(v.Index, Codes.Forbidden, "vin: 该车辆登记在其他车管所，只有管理员可以转入。")));
        return Reply.Of(200, new ImportResult(written.Count, [.. rejected.OrderBy(r => r.Index)]), BaselineJson.Wire.ImportResult);
    }

    private static (VehicleImportItem? Item, string? Problem) ToVehicle(JsonElement element)
    {
        VehicleImportItem? item;
        try
        {
            item = element.Deserialize(BaselineJson.Wire.VehicleImportItem);
        }
        catch (JsonException)
        {
            return (null, "不是有效的车辆记录（字段类型不正确）。");
        }

        var problem =
            item is null ? "车辆记录不能为空。"
            : !Identity.IsValidVin(item.Vin) ? "vin: 车辆识别代号不正确（17 位，第 9 位为校验位）。"
            : !Plates.IsPlausibleCurrentPlate(item.CurrentPlate) ? "currentPlate: 现号牌号码不正确。"
            : item.PlateKind is not ("small" or "large" or "motorcycle" or "trailer") ? "plateKind: 号牌种类为 small、large、motorcycle 或 trailer。"
            : item.Energy is not ("pure" or "nonPure" or "fuel") ? "energy: 能源种类为 pure、nonPure 或 fuel。"
            : !Identity.IsValidPersonId(item.OwnerIdNumber) && !Identity.IsValidCreditCode(item.OwnerIdNumber) ? "ownerIdNumber: 所有人身份证号码或统一社会信用代码不正确。"
            : item.OwnerPhone is not null && !Identity.IsPhone(item.OwnerPhone) ? "ownerPhone: 预留手机号码为以 1 开头的 11 位数字。"
            : null;
        return problem is null ? (item, null) : (null, problem);
    }

    private static async Task<Reply> GetAssignments(string code, HttpContext http, NpgsqlDataSource db, OfficeCache offices)
    {
        if (!Caller.From(http.User).Oversees(code))
        {
            return Reply.Of(new Error(Codes.Forbidden, "只能查看本车管所的号牌分配。"));
        }

        if (await OfficeEndpoints.FindAsync(offices, code) is null)
        {
            return OfficeEndpoints.NotFound(code);
        }

        await using var command = db.CreateCommand("""
            SELECT plate, vin, office_code, confirmed_by, reserved_at, exchange_by, exchanged_at
            FROM reservations WHERE office_code = $1 ORDER BY reserved_at, plate
            """);
        command.Parameters.Add(P(code));
        var assignments = new List<Assignment>();
        await using var r = await command.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            assignments.Add(new Assignment(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetDateTime(4),
                r.GetFieldValue<DateOnly>(5), r.Nullable<DateTime>(6)));
        }

        return Reply.Of(200, assignments, BaselineJson.Wire.ListAssignment);
    }
}

/// <summary>Turns the operator's office and pool bodies into valid settings (the product's rules and limits), or says what is wrong.</summary>
public static class OfficeRequests
{
    public static Office? ToOffice(string code, OfficeRequest body, FieldErrors errors)
    {
        errors.Check(body.Name is { Length: > 0 and <= 50 } && !string.IsNullOrWhiteSpace(body.Name), "name", "名称为 1 到 50 个字符。");
        var province = body.Province is { Length: 1 } p && Provinces.IsProvince(p[0]) ? p[0] : (char?)null;
        errors.Check(province is not null, "province", "省份简称为一个字，如 冀。");
        errors.Check(province is null || Provinces.OfDivisionCode(code) == province, "province", $"代码 {code} 不属于该省份。");
        errors.Check(body.Prefix is { Length: 2 } prefix && prefix[0] == province && Provinces.IsValidPrefix(prefix), "prefix",
            province is { } pc ? $"号牌前缀为省份简称加发牌机关代号（{pc}：{Provinces.OfficeLetters(pc)}）。" : "号牌前缀为省份简称加发牌机关代号，如 冀A。");

        var (from, to) = (8 * 60, 20 * 60);
        if (body.Hours is { } hours)
        {
            var f = Minute(hours.From);
            var t = Minute(hours.To);
            errors.Check(f is not null && f < 24 * 60, "hours.from", "开放时间为 HH:mm。");
            errors.Check(t is not null, "hours.to", "结束时间为 HH:mm（可为 24:00）。");
            errors.Check(f is null || t is null || f < t, "hours", "开放时间须早于结束时间。");
            (from, to) = (f ?? 0, t ?? 0);
        }

        var rules = ToRules(body.Rules, errors);
        var locations = ToLocations(body.Locations, errors);
        if (body.Notice is { } n)
        {
            errors.Check(n.Version is { Length: > 0 and <= 64 }, "notice.version", "版本为 1 到 64 个字符。");
            errors.Check(n.Text is { Length: > 0 and <= 20_000 }, "notice.text", "内容为 1 到 20000 个字符。");
        }

        if (errors.Any)
        {
            return null;
        }

        var name = body.Name!.Trim();
        var (version, text) = body.Notice is { } notice ? (notice.Version!, notice.Text!) : Office.DefaultNotice(name, rules);
        return new Office
        {
            Code = code,
            Name = name,
            Prefix = body.Prefix!,
            Province = body.Province!,
            OpensAt = body.OpensAt?.UtcDateTime,
            FromMinute = from,
            ToMinute = to,
            Maintenance = body.Maintenance ?? false,
            CrossRegion = body.CrossRegion ?? true,
            Rules = rules,
            Locations = locations,
            NoticeVersion = version,
            NoticeText = text,
        };
    }

    private static int? Minute(string? time)
    {
        if (time is not { Length: 5 } || time[2] != ':' || !int.TryParse(time[..2], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            || !int.TryParse(time[3..], NumberStyles.None, CultureInfo.InvariantCulture, out var m) || m > 59)
        {
            return null;
        }

        return h < 24 || (h == 24 && m == 0) ? (h * 60) + m : null;
    }

    private static Rules ToRules(RulesRequest? r, FieldErrors errors)
    {
        var d = new Rules();
        if (r is null)
        {
            return d;
        }

        int Get(int? value, int fallback, int min, int max, string name)
        {
            var v = value ?? fallback;
            errors.Check(v >= min && v <= max, $"rules.{name}", $"取值范围 {min} 到 {max}。");
            return v;
        }

        return new Rules
        {
            DrawsPerVehicle = Get(r.DrawsPerVehicle, d.DrawsPerVehicle, 1, 50, "drawsPerVehicle"),
            PlatesPerDraw = Get(r.PlatesPerDraw, d.PlatesPerDraw, 1, 50, "platesPerDraw"),
            BatchSeconds = Get(r.BatchSeconds, d.BatchSeconds, 1, 3600, "batchSeconds"),
            BackupSeconds = Get(r.BackupSeconds, d.BackupSeconds, 1, 3600, "backupSeconds"),
            ValidityDays = Get(r.ValidityDays, d.ValidityDays, 1, 90, "validityDays"),
            BlacklistDays = Get(r.BlacklistDays, d.BlacklistDays, 0, 3650, "blacklistDays"),
            SmsCodeSeconds = Get(r.SmsCodeSeconds, d.SmsCodeSeconds, 30, 3600, "smsCodeSeconds"),
            SmsCooldownSeconds = Get(r.SmsCooldownSeconds, d.SmsCooldownSeconds, 0, 3600, "smsCooldownSeconds"),
            SmsAttempts = Get(r.SmsAttempts, d.SmsAttempts, 1, 20, "smsAttempts"),
            SmsConfirmDelaySeconds = Get(r.SmsConfirmDelaySeconds, d.SmsConfirmDelaySeconds, 0, 600, "smsConfirmDelaySeconds"),
        };
    }

    private static List<Location> ToLocations(List<LocationRequest?>? locations, FieldErrors errors)
    {
        var result = new List<Location>();
        if (locations is null)
        {
            return result;
        }

        errors.Check(locations.Count <= 100, "locations", "最多 100 个办理地点。");
        for (var i = 0; i < locations.Count && i < 100; i++)
        {
            var field = $"locations[{i}]";
            if (locations[i] is not { } location)
            {
                errors.Add(field, "不能为空。");
                continue;
            }

            errors.Check(location.Id is { Length: >= 1 and <= 32 } id && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'),
                $"{field}.id", "编号为 1 到 32 个字母、数字、下划线或连字符。");
            errors.Check(result.All(l => l.Id != location.Id), $"{field}.id", "编号重复。");
            errors.Check(location.Name is { Length: > 0 and <= 100 }, $"{field}.name", "名称为 1 到 100 个字符。");
            var slots = new List<SlotCapacity>();
            foreach (var (slot, j) in (location.Slots ?? []).Select((s, j) => (s, j)))
            {
                var ok = slot is { Slot: { Length: 11 } text, Capacity: >= 0 and <= 10_000 } && text[5] == '-'
                    && Minute(text[..5]) is { } f && Minute(text[6..]) is { } t && f < t && slots.All(s => s.Slot != text);
                errors.Check(ok, $"{field}.slots[{j}]", "时段为 HH:mm-HH:mm（不重复），容量为 0 到 10000。");
                if (ok)
                {
                    slots.Add(new SlotCapacity(slot!.Slot!, slot.Capacity!.Value));
                }
            }

            result.Add(new Location(location.Id ?? "", location.Name ?? "", slots));
        }

        return result;
    }

    /// <summary>Valid series: small or large, an energy letter, 1 to 100 blocks that fit and do not overlap, no series twice.</summary>
    public static List<SeriesBlocks>? ToPublication(PoolRequest body, FieldErrors errors)
    {
        if (body.Series is null)
        {
            errors.Add("series", "请提供号池系列（可为空列表以撤回公示）。");
            return null;
        }

        errors.Check(body.Series.Count <= 20, "series", "最多 20 个系列。");
        var series = new List<SeriesBlocks>();
        var numbers = 0L;
        for (var i = 0; i < body.Series.Count && i < 20; i++)
        {
            var field = $"series[{i}]";
            if (body.Series[i] is not { } s)
            {
                errors.Add(field, "不能为空。");
                continue;
            }

            if (s.PlateKind is not ("small" or "large"))
            {
                errors.Add($"{field}.plateKind", "号牌种类为 small 或 large。");
                continue;
            }

            if (s.EnergyLetter is not { Length: 1 } letter || !Plates.IsEnergyLetter(letter[0]))
            {
                errors.Add($"{field}.energyLetter", $"能源字母为 {Plates.PureLetters}（纯电动）或 {Plates.NonPureLetters}（非纯电动）之一。");
                continue;
            }

            if (s.Blocks is not { Count: > 0 and <= 100 } blocks)
            {
                errors.Add($"{field}.blocks", "每个系列 1 到 100 个号段。");
                continue;
            }

            var checkedBlocks = new List<string>();
            foreach (var block in blocks.Select(b => b ?? ""))
            {
                if (Plates.CheckBlock(block, s.PlateKind, letter[0]) is { } problem)
                {
                    errors.Add($"{field}.blocks", problem);
                }
                else if (checkedBlocks.FirstOrDefault(b => Plates.Overlap(b, block)) is { } other)
                {
                    errors.Add($"{field}.blocks", $"号段 '{block}' 与 '{other}' 重叠。");
                }
                else
                {
                    checkedBlocks.Add(block);
                    numbers += (long)Math.Pow(10, block.Count(c => c == '#'));
                }
            }

            if (series.Any(x => x.PlateKind == s.PlateKind && x.EnergyLetter == letter))
            {
                errors.Add(field, "同一号牌种类和能源字母只能出现一次。");
                continue;
            }

            series.Add(new SeriesBlocks(s.PlateKind, letter, checkedBlocks));
        }

        errors.Check(numbers <= AdminEndpoints.MaxPublishedNumbers, "series", $"一次公示最多 {AdminEndpoints.MaxPublishedNumbers} 个号码。");
        return errors.Any ? null : series;
    }
}

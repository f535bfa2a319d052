using System.Globalization;
using System.Text.RegularExpressions;
using PlateOrleans.Api.Http;
using PlateOrleans.Api.Offices;
using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;

namespace PlateOrleans.Api.Admin;

public sealed record HoursRequest(string? From, string? To);

public sealed record RulesRequest(
    int? DrawsPerVehicle,
    int? PlatesPerDraw,
    int? BatchSeconds,
    int? BackupSeconds,
    int? ValidityDays,
    int? BlacklistDays,
    int? SmsCodeSeconds,
    int? SmsCooldownSeconds,
    int? SmsAttempts,
    int? SmsConfirmDelaySeconds);

public sealed record SlotRequest(string? Slot, int? Capacity);

public sealed record LocationRequest(string? Id, string? Name, List<SlotRequest?>? Slots);

public sealed record NoticeRequest(string? Version, string? Text);

/// <summary>The body of <c>PUT /api/v1/admin/offices/{code}</c>. Only name, prefix and province are required.</summary>
public sealed record OfficeRequest(
    string? Name,
    string? Prefix,
    string? Province,
    DateTimeOffset? OpensAt,
    HoursRequest? Hours,
    bool? Maintenance,
    bool? CrossRegion,
    RulesRequest? Rules,
    List<LocationRequest?>? Locations,
    NoticeRequest? Notice);

public sealed record OfficeDetails(
    string Code,
    string Name,
    string Prefix,
    string Province,
    OfficeState State,
    DateTimeOffset? OpensAt,
    HoursDto Hours,
    bool Maintenance,
    bool CrossRegion,
    OfficeRules Rules,
    IReadOnlyList<OfficeLocation> Locations,
    BusinessNotice Notice)
{
    /// <summary>
    /// Whether the office set its notice itself; otherwise it is written from the rules, and a PUT that leaves the
    /// notice out keeps it so (a client that edits the settings sends the notice back only when this is true).
    /// </summary>
    public bool CustomNotice { get; init; }

    public static OfficeDetails From(OfficeSnapshot office, DateTimeOffset now)
    {
        var s = office.Settings;
        return new(office.Code, s.Name, s.Prefix, s.Province, OfficeCalendar.StateAt(s, now).State, s.OpensAt,
            HoursDto.Of(s.Hours), s.Maintenance, s.CrossRegion, s.Rules, s.Locations, office.Notice) { CustomNotice = s.Notice is not null };
    }
}

public sealed record SeriesRequest(PlateKind? PlateKind, string? EnergyLetter, List<string?>? Blocks);

/// <summary>The body of <c>PUT /api/v1/admin/offices/{code}/pool</c>.</summary>
public sealed record PoolRequest(List<SeriesRequest?>? Series);

/// <summary>Turns operator requests into valid domain settings, or says field by field what is wrong.</summary>
public static partial class OfficeRequests
{
    [GeneratedRegex("^(?:[01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$")]
    private static partial Regex TimePattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex LocationIdPattern();

    /// <summary>The range of <c>opensAt</c>: any real opening, and nothing near the ends of the calendar.</summary>
    public static readonly DateTimeOffset EarliestOpening = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset LatestOpening = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The ranges below, for the OpenAPI description of <c>PUT /api/v1/admin/offices/{code}</c>.</summary>
    public const string RangesDescription =
        "Every setting is checked before anything is saved (validation_failed names the field): opensAt from 2000-01-01 "
        + "to 2100-01-01 (UTC); rules.drawsPerVehicle 1-20, platesPerDraw 1-50, batchSeconds and backupSeconds 1-3600, "
        + "validityDays 1-90, blacklistDays 0-3650, smsCodeSeconds 60-1800, smsCooldownSeconds 30-3600, smsAttempts 1-10, "
        + "smsConfirmDelaySeconds 0-60; name 1-50 characters; at most 100 locations of at most 48 slots, capacity 0-10000; "
        + "notice.version 1-64 and notice.text 1-20000 characters.";

    /// <summary>The most time slots one location offers a day (every half hour of the day).</summary>
    public const int MaxSlots = 48;

    /// <summary>
    /// Every office setting, checked for range before anything is saved. The bounds are what a real office could want
    /// (countdowns of a second for drills) and no more: an admin's typo must not make a public endpoint fail, and the
    /// SMS cooldown has a floor, so that no office setting lets one account send codes (and guess them) in a loop.
    /// </summary>
    public static OfficeSettings? ToSettings(string code, OfficeRequest body, FieldErrors errors)
    {
        errors.Check(body.Name is { Length: > 0 and <= 50 } && !string.IsNullOrWhiteSpace(body.Name), "name", "名称为 1 到 50 个字符。");
        var province = body.Province is { Length: 1 } p && Provinces.IsProvince(p[0]) ? p[0] : (char?)null;
        errors.Check(province is not null, "province", "省份简称为一个字，如 冀。");
        errors.Check(province is null || Provinces.OfDivisionCode(code) == province, "province", $"代码 {code} 不属于该省份。");
        errors.Check(
            body.Prefix is { Length: 2 } prefix && prefix[0] == province && PlateSerials.IsValidPrefix(prefix),
            "prefix",
            province is { } pc ? $"号牌前缀为省份简称加发牌机关代号（{pc}：{Provinces.OfficeLetters(pc)}）。" : "号牌前缀为省份简称加发牌机关代号，如 冀A。");

        errors.Check(body.OpensAt is null || (body.OpensAt >= EarliestOpening && body.OpensAt < LatestOpening), "opensAt",
            "开放时间须在 2000-01-01 与 2100-01-01 之间（UTC）。");
        var hours = ToHours(body.Hours, errors);
        var rules = ToRules(body.Rules, errors);
        var locations = ToLocations(body.Locations, errors);
        var notice = body.Notice is null ? null : ToNotice(body.Notice, errors);
        if (errors.Any)
        {
            return null;
        }

        return new OfficeSettings
        {
            Name = body.Name!.Trim(),
            Prefix = body.Prefix!,
            Province = body.Province!,
            OpensAt = body.OpensAt?.ToUniversalTime(),
            Hours = hours!,
            Maintenance = body.Maintenance ?? false,
            CrossRegion = body.CrossRegion ?? true,
            Rules = rules!,
            Locations = locations!,
            Notice = notice,
        };
    }

    private static OfficeHours? ToHours(HoursRequest? hours, FieldErrors errors)
    {
        if (hours is null)
        {
            return OfficeHours.Default;
        }

        var from = Minute(hours.From);
        var to = Minute(hours.To);
        errors.Check(from is not null && from < 24 * 60, "hours.from", "开放时间为 HH:mm。");
        errors.Check(to is not null, "hours.to", "结束时间为 HH:mm（可为 24:00）。");
        errors.Check(from is null || to is null || from < to, "hours", "开放时间须早于结束时间。");
        return from is not null && to is not null ? new OfficeHours(from.Value, to.Value) : null;
    }

    private static int? Minute(string? time) =>
        time is not null && TimePattern().IsMatch(time)
            ? (int.Parse(time[..2], CultureInfo.InvariantCulture) * 60) + int.Parse(time[3..], CultureInfo.InvariantCulture)
            : null;

    private static OfficeRules? ToRules(RulesRequest? rules, FieldErrors errors)
    {
        var d = OfficeRules.Default;
        if (rules is null)
        {
            return d;
        }

        int Get(int? value, int fallback, int min, int max, string name)
        {
            var v = value ?? fallback;
            errors.Check(v >= min && v <= max, $"rules.{name}", $"取值范围 {min} 到 {max}。");
            return v;
        }

        return new OfficeRules
        {
            DrawsPerVehicle = Get(rules.DrawsPerVehicle, d.DrawsPerVehicle, 1, 20, "drawsPerVehicle"),
            PlatesPerDraw = Get(rules.PlatesPerDraw, d.PlatesPerDraw, 1, 50, "platesPerDraw"),
            BatchSeconds = Get(rules.BatchSeconds, d.BatchSeconds, 1, 3600, "batchSeconds"),
            BackupSeconds = Get(rules.BackupSeconds, d.BackupSeconds, 1, 3600, "backupSeconds"),
            ValidityDays = Get(rules.ValidityDays, d.ValidityDays, 1, 90, "validityDays"),
            BlacklistDays = Get(rules.BlacklistDays, d.BlacklistDays, 0, 3650, "blacklistDays"),
            SmsCodeSeconds = Get(rules.SmsCodeSeconds, d.SmsCodeSeconds, 60, 1800, "smsCodeSeconds"),
            SmsCooldownSeconds = Get(rules.SmsCooldownSeconds, d.SmsCooldownSeconds, 30, 3600, "smsCooldownSeconds"),
            SmsAttempts = Get(rules.SmsAttempts, d.SmsAttempts, 1, 10, "smsAttempts"),
            SmsConfirmDelaySeconds = Get(rules.SmsConfirmDelaySeconds, d.SmsConfirmDelaySeconds, 0, 60, "smsConfirmDelaySeconds"),
        };
    }

    private static List<OfficeLocation>? ToLocations(List<LocationRequest?>? locations, FieldErrors errors)
    {
        var result = new List<OfficeLocation>();
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

            errors.Check(location.Id is not null && LocationIdPattern().IsMatch(location.Id), $"{field}.id", "编号为 1 到 32 个字母、数字、下划线或连字符。");
            errors.Check(result.All(l => l.Id != location.Id), $"{field}.id", "编号重复。");
            errors.Check(location.Name is { Length: > 0 and <= 100 }, $"{field}.name", "名称为 1 到 100 个字符。");
            errors.Check(location.Slots is null || location.Slots.Count <= MaxSlots, $"{field}.slots", $"最多 {MaxSlots} 个时段。");
            var slots = new List<SlotCapacity>();
            foreach (var (slot, j) in (location.Slots ?? []).Take(MaxSlots).Select((s, j) => (s, j)))
            {
                var ok = slot is { Slot: { } text, Capacity: >= 0 and <= 10_000 } && IsSlot(text) && slots.All(s => s.Slot != text);
                errors.Check(ok, $"{field}.slots[{j}]", "时段为 HH:mm-HH:mm（不重复），容量为 0 到 10000。");
                if (ok)
                {
                    slots.Add(new SlotCapacity(slot!.Slot!, slot.Capacity!.Value));
                }
            }

            result.Add(new OfficeLocation(location.Id ?? "", location.Name ?? "", slots));
        }

        return result;
    }

    private static bool IsSlot(string slot) =>
        slot.Length == 11 && slot[5] == '-' && Minute(slot[..5]) is { } from && Minute(slot[6..]) is { } to && from < to;

    private static BusinessNotice? ToNotice(NoticeRequest notice, FieldErrors errors)
    {
        errors.Check(notice.Version is { Length: > 0 and <= 64 }, "notice.version", "版本为 1 到 64 个字符。");
        errors.Check(notice.Text is { Length: > 0 and <= 20_000 }, "notice.text", "内容为 1 到 20000 个字符。");
        return errors.Any ? null : new BusinessNotice(notice.Version!, notice.Text!);
    }

    /// <summary>A publication of valid series: small or large, a valid energy letter, blocks that fit, none twice.</summary>
    public static PoolPublication? ToPublication(PoolRequest body, FieldErrors errors)
    {
        if (body.Series is null)
        {
            errors.Add("series", "请提供号池系列（可为空列表以撤回公示）。");
            return null;
        }

        errors.Check(body.Series.Count <= 20, "series", "最多 20 个系列。");
        var series = new List<SeriesBlocks>();
        for (var i = 0; i < body.Series.Count && i < 20; i++)
        {
            var field = $"series[{i}]";
            if (body.Series[i] is not { } s)
            {
                errors.Add(field, "不能为空。");
                continue;
            }

            if (s.PlateKind is not (PlateKind.Small or PlateKind.Large))
            {
                errors.Add($"{field}.plateKind", "号牌种类为 small 或 large。");
                continue;
            }

            if (s.EnergyLetter is not { Length: 1 } letter || EnergyLetters.KindOf(letter[0]) is null)
            {
                errors.Add($"{field}.energyLetter", $"能源字母为 {EnergyLetters.Pure}（纯电动）或 {EnergyLetters.NonPure}（非纯电动）之一。");
                continue;
            }

            if (s.Blocks is not { Count: > 0 and <= 100 } blocks)
            {
                errors.Add($"{field}.blocks", "每个系列 1 到 100 个号段。");
                continue;
            }

            var candidate = new SeriesBlocks(s.PlateKind.Value, letter[0], [.. blocks.Select(b => b ?? "")]);
            if (SeriesUniverse.TryCreate(candidate, out var error) is null)
            {
                errors.Add($"{field}.blocks", error!);
                continue;
            }

            if (series.Any(x => x.PlateKind == candidate.PlateKind && x.EnergyLetter == candidate.EnergyLetter))
            {
                errors.Add(field, "同一号牌种类和能源字母只能出现一次。");
                continue;
            }

            series.Add(candidate);
        }

        return errors.Any ? null : new PoolPublication(series);
    }

    /// <summary>What the audit trail says of office settings saved: every setting but the notice's text (its version only).</summary>
    public static string Describe(OfficeSettings s, bool existed)
    {
        var r = s.Rules;
        return string.Create(CultureInfo.InvariantCulture,
            $"{(existed ? "updated" : "created")}: name {s.Name}, prefix {s.Prefix}, opensAt {s.OpensAt?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) ?? "-"}, "
            + $"hours {s.Hours.From}-{s.Hours.To}, maintenance {s.Maintenance}, crossRegion {s.CrossRegion}, "
            + $"rules drawsPerVehicle {r.DrawsPerVehicle} platesPerDraw {r.PlatesPerDraw} batchSeconds {r.BatchSeconds} backupSeconds {r.BackupSeconds} "
            + $"validityDays {r.ValidityDays} blacklistDays {r.BlacklistDays} smsCodeSeconds {r.SmsCodeSeconds} smsCooldownSeconds {r.SmsCooldownSeconds} "
            + $"smsAttempts {r.SmsAttempts} smsConfirmDelaySeconds {r.SmsConfirmDelaySeconds}, "
            + $"{s.Locations.Count} locations, {s.Locations.Sum(l => l.Slots.Count)} slots, notice {s.Notice?.Version ?? "unchanged"}");
    }

    /// <summary>What the audit trail says of a publication: each series' blocks and counts as published.</summary>
    public static string Describe(PoolResponse pool) =>
        "published: " + (pool.Series.Count == 0 ? "no series" : string.Join("; ", pool.Series.Select(x => string.Create(CultureInfo.InvariantCulture,
            $"{x.PlateKind.ToString().ToLowerInvariant()} {x.EnergyLetter} {string.Join(" ", x.Blocks)} (total {x.Total}, available {x.Available}, reserved {x.Reserved}, issued {x.Issued})"))));
}

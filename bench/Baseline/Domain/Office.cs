using System.Security.Cryptography;
using System.Text;

namespace PlateOrleans.Baseline.Domain;

/// <summary>The per-office parameters of the selection (DOMAIN.md, Parameters), as the contract names them.</summary>
public sealed record Rules
{
    public int DrawsPerVehicle { get; init; } = 5;
    public int PlatesPerDraw { get; init; } = 10;
    public int BatchSeconds { get; init; } = 90;
    public int BackupSeconds { get; init; } = 90;
    public int ValidityDays { get; init; } = 15;
    public int BlacklistDays { get; init; } = 730;
    public int SmsCodeSeconds { get; init; } = 300;
    public int SmsCooldownSeconds { get; init; } = 60;
    public int SmsAttempts { get; init; } = 5;
    public int SmsConfirmDelaySeconds { get; init; } = 5;
}

public sealed record SlotCapacity(string Slot, int Capacity);

public sealed record Location(string Id, string Name, List<SlotCapacity> Slots);

/// <summary>One series of a pool publication: plate kind, energy letter, serial blocks.</summary>
public sealed record SeriesBlocks(string PlateKind, string EnergyLetter, List<string> Blocks);

/// <summary>An office as stored in the <c>offices</c> table.</summary>
public sealed record Office
{
    public required string Code { get; init; }
    public required string Name { get; init; }
    public required string Prefix { get; init; }
    public required string Province { get; init; }
    public DateTime? OpensAt { get; init; }
    public int FromMinute { get; init; } = 8 * 60;
    public int ToMinute { get; init; } = 20 * 60;
    public bool Maintenance { get; init; }
    public bool CrossRegion { get; init; } = true;
    public Rules Rules { get; init; } = new();
    public List<Location> Locations { get; init; } = [];
    public required string NoticeVersion { get; init; }
    public required string NoticeText { get; init; }
    public List<SeriesBlocks> Publication { get; init; } = [];

    public string HoursFrom => Format(FromMinute);

    public string HoursTo => Format(ToMinute);

    public static string Format(int minute) => $"{minute / 60:00}:{minute % 60:00}";

    /// <summary>The business notice written from the rules, versioned by a hash of its text (as the product does).</summary>
    public static (string Version, string Text) DefaultNotice(string name, Rules rules)
    {
        var text = $"""
            {name}新能源汽车换发号牌预选号牌业务须知

            一、本业务只提供随机选号方式。每辆车可随机选号 {rules.DrawsPerVehicle} 次，每次随机产生 {rules.PlatesPerDraw} 个号牌号码，倒计时 {rules.BatchSeconds} 秒后失效。
            二、每批随机号牌中可选择 1 个作为备选号牌；备选号牌倒计时 {rules.BackupSeconds} 秒，加入新的备选号牌或换一批时重新计时。
            三、随机选号次数用完仍未确认选号的，系统将自动确认最后一批随机号牌中的第一个号牌。
            四、预选号牌号码有效期为确认选号之日起 {rules.ValidityDays} 日。逾期未到车管所办理换牌的，号牌号码作废，申请人将被列入黑名单，{rules.BlacklistDays / 365} 年内不得在互联网上预选号牌。
            五、办理换牌时请携带机动车所有人身份证明、机动车登记证书、机动车行驶证和原号牌。
            六、因网络、设备等非本系统原因导致选号失败的，由申请人自行承担。
            """;
        return ("v" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8].ToLowerInvariant(), text);
    }
}

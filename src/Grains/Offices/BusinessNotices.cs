using System.Security.Cryptography;
using System.Text;
using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Offices;

/// <summary>The business notice (业务须知) of an office: its own text, or one written from its rules.</summary>
public static class BusinessNotices
{
    public static BusinessNotice For(OfficeSettings office)
    {
        if (office.Notice is { } custom)
        {
            return custom;
        }

        var rules = office.Rules;
        var text = $"""
            {office.Name}新能源汽车换发号牌预选号牌业务须知

            一、本业务只提供随机选号方式。每辆车可随机选号 {rules.DrawsPerVehicle} 次，每次随机产生 {rules.PlatesPerDraw} 个号牌号码，倒计时 {rules.BatchSeconds} 秒后失效。
            二、每批随机号牌中可选择 1 个作为备选号牌；备选号牌倒计时 {rules.BackupSeconds} 秒，加入新的备选号牌或换一批时重新计时。
            三、随机选号次数用完仍未确认选号的，系统将自动确认最后一批随机号牌中的第一个号牌。
            四、预选号牌号码有效期为确认选号之日起 {rules.ValidityDays} 日。逾期未到车管所办理换牌的，号牌号码作废，申请人将被列入黑名单，{rules.BlacklistDays / 365} 年内不得在互联网上预选号牌。
            五、办理换牌时请携带机动车所有人身份证明、机动车登记证书、机动车行驶证和原号牌。
            六、因网络、设备等非本系统原因导致选号失败的，由申请人自行承担。
            """;
        var version = "v" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8].ToLowerInvariant();
        return new BusinessNotice(version, text);
    }
}

using System.Globalization;
using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Sms;

/// <summary>Every text message the selection sends, in one place, right for every office setting.</summary>
public static class SmsTexts
{
    private const string Signature = "【机动车选号】";

    /// <summary>The verification code, and how long it is valid (the office's setting, any number of seconds).</summary>
    public static string Code(string code, int validSeconds) =>
        $"{Signature}您的验证码为 {code}，{Duration(validSeconds)}内有效，请勿告诉他人。";

    /// <summary>A number confirmed, by the applicant or automatically at the end of the countdown.</summary>
    public static string Confirmed(SelectedView selected) =>
        $"{Signature}您已成功预选号牌 {selected.Plate}（{(selected.By == ConfirmedBy.User ? "本人确认" : "系统自动确认")}），"
        + $"请于 {Date(selected.ExchangeBy)} 前到车管所办理换牌，逾期将被列入黑名单。凭证号 {selected.VoucherCode}。";

    /// <summary>The exchange deadline passed: the number went back to the pool and the person is blacklisted.</summary>
    public static string Lapsed(string plate, DateOnly blacklistedUntil) =>
        $"{Signature}您预选的号牌 {plate} 逾期未办理换牌，已退回号池；{Date(blacklistedUntil)} 前您不能网上预选号牌。";

    /// <summary>5 分钟, 45 秒, 1 分 30 秒.</summary>
    public static string Duration(int seconds)
    {
        var (minutes, rest) = (seconds / 60, seconds % 60);
        return minutes == 0 ? $"{rest} 秒"
            : rest == 0 ? $"{minutes} 分钟"
            : $"{minutes} 分 {rest} 秒";
    }

    private static string Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
}

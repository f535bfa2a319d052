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

    /// <summary>
    /// A number confirmed, by the applicant or automatically at the end of the countdown: the deadline (its last day
    /// included) and what missing it costs under the office's <paramref name="blacklistDays"/> (none when 0).
    /// </summary>
    public static string Confirmed(SelectedView selected, int blacklistDays) =>
        $"{Signature}您已成功预选号牌 {selected.Plate}（{(selected.By == ConfirmedBy.User ? "本人确认" : "系统自动确认")}），"
        + $"请在 {Date(selected.ExchangeBy)}（含当日）之前到车管所办理换牌，{Overdue(blacklistDays)}。"
        + (selected.VoucherCode is { } code ? $"凭证号 {code}。" : "");

    /// <summary>The day before the deadline: the last day, the appointment if one is booked, and what missing it costs.</summary>
    public static string DeadlineNear(SelectedView selected, int blacklistDays) =>
        $"{Signature}提醒：您预选的号牌 {selected.Plate} 须在 {Date(selected.ExchangeBy)}（含当日）之前到车管所办理换牌"
        + (selected.Appointment is { } a ? $"（您已预约 {Place(a)}）" : "（您尚未预约换牌时间和地点）")
        + $"，{Overdue(blacklistDays)}。";

    /// <summary>An appointment booked (no <paramref name="previous"/>), moved, or cancelled (no <paramref name="current"/>).</summary>
    public static string AppointmentChanged(string plate, AppointmentView? current, AppointmentView? previous) => (current, previous) switch
    {
        ({ } booked, null) => $"{Signature}您已预约 {Place(booked)} 办理号牌 {plate} 的换牌，请携带身份证明和预选号凭证按时前往。",
        ({ } moved, { } from) => $"{Signature}您办理号牌 {plate} 换牌的预约已由 {Place(from)} 改为 {Place(moved)}，请按新的时间和地点前往。",
        (null, { } cancelled) => $"{Signature}您已取消 {Place(cancelled)} 办理号牌 {plate} 换牌的预约，请在换牌期限内重新预约或到车管所办理。",
        _ => throw new ArgumentException("An appointment change has a booking before or after it."),
    };

    /// <summary>
    /// The exchange deadline passed: the number went back to the pool and the person is blacklisted until
    /// <paramref name="blacklistedUntil"/> (null: the office blacklists no one).
    /// </summary>
    public static string Lapsed(string plate, DateOnly? blacklistedUntil) =>
        $"{Signature}您预选的号牌 {plate} 逾期未办理换牌，已退回号池"
        + (blacklistedUntil is { } until ? $"；{Date(until)} 前您不能网上预选号牌。" : "。");

    /// <summary>2026-12-01 09:00-10:00 石家庄车管所长安分所.</summary>
    private static string Place(AppointmentView a) => $"{Date(a.Date)} {a.Slot} {a.LocationName}";

    private static string Overdue(int blacklistDays) =>
        blacklistDays > 0 ? $"逾期号牌将退回号池，您将被列入黑名单，{BlacklistSpan(blacklistDays)}内不能网上预选号牌" : "逾期号牌将退回号池";

    /// <summary>2 年 (730 days), 45 天: the blacklist's length as people say it.</summary>
    public static string BlacklistSpan(int days) => days % 365 == 0 ? $"{days / 365} 年" : $"{days} 天";

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

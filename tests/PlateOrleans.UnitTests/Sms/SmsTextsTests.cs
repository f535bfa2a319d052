using PlateOrleans.Contracts;
using PlateOrleans.Grains.Sms;

namespace PlateOrleans.UnitTests.Sms;

/// <summary>The texts the selection sends, right for every office setting.</summary>
public sealed class SmsTextsTests
{
    [Theory]
    [InlineData(300, "5 分钟")]
    [InlineData(60, "1 分钟")]
    [InlineData(30, "30 秒")]
    [InlineData(59, "59 秒")]
    [InlineData(90, "1 分 30 秒")]
    public void HowLongACodeIsValidIsSaidExactly(int seconds, string said) => Assert.Equal(said, SmsTexts.Duration(seconds));

    [Fact]
    public void ACodeValidForLessThanAMinuteSaysSecondsNotZeroMinutes()
    {
        var text = SmsTexts.Code("012345", 45);

        Assert.Contains("012345", text, StringComparison.Ordinal);
        Assert.Contains("45 秒内有效", text, StringComparison.Ordinal);
        Assert.DoesNotContain("0 分钟", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AConfirmationSaysWhoConfirmedTheDeadlineAndTheVoucherCode()
    {
        var selected = new SelectedView("冀AD12345", DateTimeOffset.UnixEpoch, ConfirmedBy.Auto, new DateOnly(2026, 12, 10), "ABCDEFGH2345", null);

        var text = SmsTexts.Confirmed(selected, blacklistDays: 730);

        Assert.Contains("冀AD12345", text, StringComparison.Ordinal);
        Assert.Contains("系统自动确认", text, StringComparison.Ordinal);
        Assert.Contains("2026-12-10（含当日）之前", text, StringComparison.Ordinal);
        Assert.Contains("2 年内不能网上预选号牌", text, StringComparison.Ordinal);
        Assert.Contains("ABCDEFGH2345", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(730, "2 年内")]
    [InlineData(365, "1 年内")]
    [InlineData(45, "45 天内")]
    public void WhatMissingTheDeadlineCostsIsTheOfficesBlacklist(int days, string said)
    {
        var selected = new SelectedView("冀AD12345", DateTimeOffset.UnixEpoch, ConfirmedBy.User, new DateOnly(2026, 12, 10), "ABCDEFGH2345", null);

        Assert.Contains(said, SmsTexts.Confirmed(selected, days), StringComparison.Ordinal);
        Assert.Contains(said, SmsTexts.DeadlineNear(selected, days), StringComparison.Ordinal);
    }

    [Fact]
    public void AnOfficeThatBlacklistsNoOneThreatensNoBlacklist()
    {
        var selected = new SelectedView("冀AD12345", DateTimeOffset.UnixEpoch, ConfirmedBy.User, new DateOnly(2026, 12, 10), "ABCDEFGH2345", null);

        Assert.DoesNotContain("黑名单", SmsTexts.Confirmed(selected, 0), StringComparison.Ordinal);
        Assert.DoesNotContain("不能网上预选", SmsTexts.Confirmed(selected, 0), StringComparison.Ordinal);
        Assert.DoesNotContain("不能网上预选", SmsTexts.DeadlineNear(selected, 0), StringComparison.Ordinal);
        Assert.DoesNotContain("不能网上预选", SmsTexts.Lapsed("冀AD12345", null), StringComparison.Ordinal);
    }

    [Fact]
    public void ALapseSaysUntilWhenThePersonCannotSelect() =>
        Assert.Contains("2028-12-11 前您不能网上预选号牌", SmsTexts.Lapsed("冀AD12345", new DateOnly(2028, 12, 11)), StringComparison.Ordinal);

    [Fact]
    public void ABookingAMoveAndACancellationNameThePlateAndThePlaces()
    {
        var first = new AppointmentView("changan", "长安分所", new DateOnly(2026, 12, 1), "09:00-10:00");
        var second = new AppointmentView("luquan", "鹿泉分所", new DateOnly(2026, 12, 3), "14:00-15:00");

        var booked = SmsTexts.AppointmentChanged("冀AD12345", first, null);
        var moved = SmsTexts.AppointmentChanged("冀AD12345", second, first);
        var cancelled = SmsTexts.AppointmentChanged("冀AD12345", null, second);

        Assert.Contains("已预约 2026-12-01 09:00-10:00 长安分所", booked, StringComparison.Ordinal);
        Assert.Contains("由 2026-12-01 09:00-10:00 长安分所 改为 2026-12-03 14:00-15:00 鹿泉分所", moved, StringComparison.Ordinal);
        Assert.Contains("已取消 2026-12-03 14:00-15:00 鹿泉分所", cancelled, StringComparison.Ordinal);
        Assert.All([booked, moved, cancelled], text => Assert.Contains("冀AD12345", text, StringComparison.Ordinal));
    }

    [Fact]
    public void TheReminderSaysTheLastDayAndTheAppointmentOrThatThereIsNone()
    {
        var selected = new SelectedView("冀AD12345", DateTimeOffset.UnixEpoch, ConfirmedBy.User, new DateOnly(2026, 12, 10), "ABCDEFGH2345", null);

        Assert.Contains("尚未预约", SmsTexts.DeadlineNear(selected, 730), StringComparison.Ordinal);
        var withAppointment = SmsTexts.DeadlineNear(selected with { Appointment = new AppointmentView("changan", "长安分所", new DateOnly(2026, 12, 9), "09:00-10:00") }, 730);
        Assert.Contains("2026-12-10（含当日）之前", withAppointment, StringComparison.Ordinal);
        Assert.Contains("已预约 2026-12-09 09:00-10:00 长安分所", withAppointment, StringComparison.Ordinal);
    }
}

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

        var text = SmsTexts.Confirmed(selected);

        Assert.Contains("冀AD12345", text, StringComparison.Ordinal);
        Assert.Contains("系统自动确认", text, StringComparison.Ordinal);
        Assert.Contains("2026-12-10 前", text, StringComparison.Ordinal);
        Assert.Contains("ABCDEFGH2345", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ALapseSaysUntilWhenThePersonCannotSelect() =>
        Assert.Contains("2028-12-11 前您不能网上预选号牌", SmsTexts.Lapsed("冀AD12345", new DateOnly(2028, 12, 11)), StringComparison.Ordinal);
}

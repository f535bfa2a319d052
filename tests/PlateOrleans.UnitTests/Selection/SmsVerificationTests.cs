using PlateOrleans.Contracts;
using PlateOrleans.Grains.Pool;
using PlateOrleans.Grains.Selection;
using static PlateOrleans.UnitTests.Selection.SelectionWorld;

namespace PlateOrleans.UnitTests.Selection;

/// <summary>Identity verification: code validity, resend cooldown, confirm countdown, wrong-try limit.</summary>
public sealed class SmsVerificationTests
{
    private static SelectionWorld AtVerification(IRandomSource? random = null)
    {
        var world = new SelectionWorld(random: random);
        Succeeds(world.Enter());
        Succeeds(world.Rules.Entry.ConfirmInfo("v1", world.Office));
        Succeeds(world.Rules.Entry.Start());
        return world;
    }

    [Fact]
    public void SendingACodeTextsSixDigitsToTheAccountPhoneAndAnswersTheCountdowns()
    {
        var world = AtVerification();

        var sent = world.Rules.Sms.SendSmsCode().Sms!;
        var text = world.Rules.TakeEvents().OfType<SelectionEvent.CodeSent>().Single();

        Assert.Equal("138****0001", sent.SentTo);
        Assert.Equal("13800000001", text.Phone);
        Assert.Matches("^[0-9]{6}$", text.Code);
        var now = world.Time.GetUtcNow();
        Assert.Equal(now.AddSeconds(60), sent.ResendAfter);
        Assert.Equal(now.AddSeconds(5), sent.ConfirmEnabledAt);
        Assert.Equal(now.AddMinutes(5), sent.ExpiresAt);
        Assert.False(sent.Simulated);
    }

    [Fact]
    public void TheCodeComesFromTheRandomSourceTheRulesAreGiven()
    {
        var world = AtVerification(new FixedRandom(42));

        world.Rules.Sms.SendSmsCode();

        Assert.Equal("000042", world.Rules.TakeEvents().OfType<SelectionEvent.CodeSent>().Single().Code);
    }

    [Fact]
    public void TheCodeGoesToThePhoneOnRecordNotToTheApplicantsOwn()
    {
        var world = new SelectionWorld();
        world.Applicant = world.Applicant with { Phone = "13999999999" };
        world.Vehicle = world.Vehicle with { OwnerPhone = "13700000007" };
        Succeeds(world.Enter());
        Succeeds(world.Rules.Entry.ConfirmInfo("v1", world.Office));
        Succeeds(world.Rules.Entry.Start());

        Assert.Equal("137****0007", world.Rules.Sms.SendSmsCode().Sms!.SentTo);
        Assert.Equal("13700000007", world.Rules.TakeEvents().OfType<SelectionEvent.CodeSent>().Single().Phone);
    }

    [Fact]
    public void WithoutAPhoneOnRecordNoCodeIsSent()
    {
        var world = new SelectionWorld();
        world.Vehicle = world.Vehicle with { OwnerPhone = null };
        Succeeds(world.Enter());
        Succeeds(world.Rules.Entry.ConfirmInfo("v1", world.Office));
        Succeeds(world.Rules.Entry.Start());

        Fails(world.Rules.Sms.SendSmsCode(), ErrorCodes.NoPhoneOnRecord);
        Assert.Empty(world.Rules.TakeEvents());

        world.Rules.Entry.VehicleChanged(world.Vehicle with { OwnerPhone = "13700000007" });
        Assert.Equal("137****0007", world.Rules.Sms.SendSmsCode().Sms!.SentTo);
    }

    [Fact]
    public void AnOfficeCannotSetTheCooldownBelowTheMinimum()
    {
        var world = new SelectionWorld();
        world.Office = world.Office with { Settings = world.Office.Settings with { Rules = OfficeRules.Default with { SmsCooldownSeconds = 0 } } };
        Succeeds(world.Enter());
        Succeeds(world.Rules.Entry.ConfirmInfo("v1", world.Office));
        Succeeds(world.Rules.Entry.Start());
        world.Rules.Sms.SendSmsCode();

        var error = Fails(world.Rules.Sms.SendSmsCode(), ErrorCodes.SmsCooldown);

        Assert.Equal(OfficeRules.MinSmsCooldownSeconds, error.RetryAfterSeconds);
    }

    [Fact]
    public void ASecondCodeWithinTheCooldownIsRefusedWithTheWait()
    {
        var world = AtVerification();
        world.Rules.Sms.SendSmsCode();
        world.Time.Advance(TimeSpan.FromSeconds(45));

        var error = Fails(world.Rules.Sms.SendSmsCode(), ErrorCodes.SmsCooldown);

        Assert.Equal(15, error.RetryAfterSeconds);
        world.Time.Advance(TimeSpan.FromSeconds(15));
        Assert.NotNull(world.Rules.Sms.SendSmsCode().Sms);
    }

    [Fact]
    public void TheRightCodeBeforeTheConfirmCountdownEndsIsTooEarly()
    {
        var world = AtVerification();
        world.Rules.Sms.SendSmsCode();
        var code = SentCode(world.Rules);
        world.Time.Advance(TimeSpan.FromSeconds(4));

        Fails(world.Rules.Sms.Verify(code), ErrorCodes.SmsTooEarly);
        world.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SelectionStage.Drawing, Succeeds(world.Rules.Sms.Verify(code)).Stage);
    }

    [Fact]
    public void WrongCodesCountDownAndThenEvenTheRightOneNeedsANewCode()
    {
        var world = AtVerification();
        world.Rules.Sms.SendSmsCode();
        var code = SentCode(world.Rules);
        var wrong = code == "000000" ? "111111" : "000000";
        world.Time.Advance(TimeSpan.FromSeconds(5));

        for (var left = 4; left >= 0; left--)
        {
            Assert.Equal(left, Fails(world.Rules.Sms.Verify(wrong), ErrorCodes.SmsCodeInvalid).AttemptsLeft);
        }

        Fails(world.Rules.Sms.Verify(code), ErrorCodes.SmsAttemptsExceeded);
        world.Time.Advance(TimeSpan.FromSeconds(60));
        world.Rules.Sms.SendSmsCode();
        var fresh = SentCode(world.Rules);
        world.Time.Advance(TimeSpan.FromSeconds(5));
        Succeeds(world.Rules.Sms.Verify(fresh));
    }

    [Fact]
    public void ACodeExpiresAfterItsValidity()
    {
        var world = AtVerification();
        world.Rules.Sms.SendSmsCode();
        var code = SentCode(world.Rules);
        world.Time.Advance(TimeSpan.FromMinutes(5));

        Fails(world.Rules.Sms.Verify(code), ErrorCodes.SmsCodeExpired);
    }

    [Fact]
    public void VerifyingWithoutACodeSentIsExpired()
    {
        var world = AtVerification();

        Fails(world.Rules.Sms.Verify("123456"), ErrorCodes.SmsCodeExpired);
    }

    [Fact]
    public void ACodeVerifiesOnlyOnce()
    {
        var world = AtVerification();
        world.VerifyWithSentCode(world.Rules);
        var code = world.State.Sms;
        Succeeds(world.Enter());
        Succeeds(world.Rules.Entry.Start());

        Assert.True(code!.Used);
        Fails(world.Rules.Sms.Verify("123456"), ErrorCodes.SmsCodeExpired);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    [InlineData("")]
    public void ACodeIsSixDigits(string code)
    {
        var world = AtVerification();
        world.Rules.Sms.SendSmsCode();

        Fails(world.Rules.Sms.Verify(code), ErrorCodes.ValidationFailed);
        Assert.Equal(5, world.State.Sms!.AttemptsLeft);
    }

    [Fact]
    public void TheCodeIsKeptOnlyAsAHash()
    {
        var world = AtVerification();
        world.Rules.Sms.SendSmsCode();
        var code = SentCode(world.Rules);

        Assert.DoesNotContain(code, world.State.Sms!.CodeHash, StringComparison.Ordinal);
    }

    /// <summary>Always the same number (within the range asked for).</summary>
    private sealed class FixedRandom(int value) : IRandomSource
    {
        public int Next(int maxExclusive) => value % maxExclusive;
    }
}

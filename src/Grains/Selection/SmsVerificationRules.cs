using System.Security.Cryptography;
using System.Text;
using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;
using PlateOrleans.Grains.Pool;

namespace PlateOrleans.Grains.Selection;

/// <summary>Identity verification by SMS: when a code may be sent, the code and its countdowns, checking it.</summary>
public sealed class SmsVerificationRules(SelectionContext selection, IRandomSource random)
{
    private SelectionState State => selection.State;

    private SelectionMode Mode => selection.Mode;

    private DateTimeOffset Now => selection.Now;

    /// <summary>
    /// Why no code may be sent now (wrong stage, no phone on record, the cooldown), or null. The daily cap per phone
    /// is the grain's to ask after this, so that a refused request does not count against it.
    /// </summary>
    public PlateError? SmsCodeRefusal()
    {
        if (State.Stage != SelectionStage.VerifyIdentity)
        {
            return selection.WrongStage("当前步骤不需要短信验证码。");
        }

        if (Mode.SendsCodes && State.Phone is null)
        {
            return new PlateError(ErrorCodes.NoPhoneOnRecord, "车管所没有该车辆所有人的手机号码记录，请持身份证件到车管所窗口核验。");
        }

        var now = Now;
        if (State.Sms is { } previous && previous.ResendAfter > now)
        {
            var wait = (int)Math.Ceiling((previous.ResendAfter - now).TotalSeconds);
            return new PlateError(ErrorCodes.SmsCooldown, $"验证码已发送，请 {wait} 秒后再试。") { RetryAfterSeconds = wait };
        }

        return null;
    }

    /// <summary>Sends a verification code to the owner's phone on the office's record (a simulation sends nothing).</summary>
    public SelectionReply SendSmsCode()
    {
        if (SmsCodeRefusal() is { } refusal)
        {
            return refusal;
        }

        var now = Now;
        var rules = State.Rules;
        var code = random.Next(1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        var sms = new SmsChallenge(
            CodeHash: HashCode(code),
            SentAt: now,
            ExpiresAt: now.AddSeconds(rules.SmsCodeSeconds),
            ResendAfter: now.AddSeconds(Math.Max(rules.SmsCooldownSeconds, OfficeRules.MinSmsCooldownSeconds)),
            // Whole milliseconds, as the JSON carries it: a client that waits until the moment it was told must not
            // be a fraction of a millisecond too early.
            ConfirmEnabledAt: Mode.SendsCodes ? WholeMilliseconds(now.AddSeconds(rules.SmsConfirmDelaySeconds)) : now,
            AttemptsLeft: rules.SmsAttempts);
        selection.MarkChanged();
        State.Sms = sms;
        if (Mode.SendsCodes && State.Phone is { } phone)
        {
            selection.Record(new SelectionEvent.CodeSent(now, phone, code));
        }

        return new SmsCodeSent(Phones.Mask(State.Phone), sms.ResendAfter, sms.ConfirmEnabledAt, sms.ExpiresAt, Mode.IsPractice, now);
    }

    private static DateTimeOffset WholeMilliseconds(DateTimeOffset moment) =>
        new(moment.Ticks - (moment.Ticks % TimeSpan.TicksPerMillisecond), moment.Offset);

    /// <summary>Checks the verification code; a simulation takes any six digits.</summary>
    public SelectionReply Verify(string code)
    {
        if (State.Stage != SelectionStage.VerifyIdentity)
        {
            return selection.WrongStage("当前步骤不需要验证身份。");
        }

        if (code is not { Length: 6 } || !code.All(char.IsAsciiDigit))
        {
            return PlateError.Validation("code", "验证码是 6 位数字。");
        }

        if (Mode.SendsCodes)
        {
            var now = Now;
            if (State.Sms is not { } sms || sms.Used || sms.ExpiresAt <= now)
            {
                return new PlateError(ErrorCodes.SmsCodeExpired, "验证码已失效或尚未发送，请重新获取。");
            }

            if (sms.AttemptsLeft <= 0)
            {
                return new PlateError(ErrorCodes.SmsAttemptsExceeded, "验证码错误次数过多，请重新获取。");
            }

            if (now < sms.ConfirmEnabledAt)
            {
                return new PlateError(ErrorCodes.SmsTooEarly, "请在倒计时结束后再确认。") { RetryAfterSeconds = (int)Math.Ceiling((sms.ConfirmEnabledAt - now).TotalSeconds) };
            }

            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashCode(code)), Encoding.ASCII.GetBytes(sms.CodeHash)))
            {
                selection.MarkChanged();
                State.Sms = sms with { AttemptsLeft = sms.AttemptsLeft - 1 };
                return new PlateError(ErrorCodes.SmsCodeInvalid, "验证码错误。") { AttemptsLeft = sms.AttemptsLeft - 1 };
            }
        }

        selection.MarkChanged();
        State.Sms = State.Sms is { } used ? used with { Used = true } : null;
        State.Stage = SelectionStage.Drawing;
        return selection.View();
    }

    /// <summary>Codes are kept only as a hash, salted with the vehicle so that one code's hash says nothing of another's.</summary>
    private string HashCode(string code) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{State.Vin}:{code}")));
}

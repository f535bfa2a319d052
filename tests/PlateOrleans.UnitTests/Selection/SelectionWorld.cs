using Microsoft.Extensions.Time.Testing;
using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;
using PlateOrleans.Grains.Ledger;
using PlateOrleans.Grains.Pool;
using PlateOrleans.Grains.Selection;

namespace PlateOrleans.UnitTests.Selection;

/// <summary>
/// A small world for the selection rules: one office (冀A) with a real pool over a real in-memory ledger, one vehicle,
/// its owner's account, and a fake clock starting at 09:00 local time on an open day.
/// </summary>
internal sealed class SelectionWorld
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 1, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Time { get; } = new(Start);

    public InMemoryPlateLedger Ledger { get; } = new();

    public PlatePool Pool { get; }

    public OfficeSnapshot Office { get; set; }

    public VehicleRecord Vehicle { get; set; }

    public AccountRecord Applicant { get; set; }

    /// <summary>The applicant's (the person's) blacklist, as the person's grain would tell it.</summary>
    public DateTimeOffset? BlacklistedUntil { get; set; }

    public const string OwnerPhone = "13800000001";

    public SelectionState State { get; } = new();

    public const string OfficeCode = "130100";

    public static readonly string OwnerId = IdNumbers.PersonWithCheck("13010219900101123");

    public static readonly string StrangerId = IdNumbers.PersonWithCheck("13010419850505234");

    public SelectionWorld(OfficeRules? rules = null, PoolPublication? publication = null, IRandomSource? random = null)
    {
        publication ??= new PoolPublication([
            new SeriesBlocks(PlateKind.Small, 'D', ["D0####"]),
            new SeriesBlocks(PlateKind.Large, 'D', ["10###D"]),
        ]);
        Office = new OfficeSnapshot(
            OfficeCode,
            new OfficeSettings { Name = "石家庄市车管所", Prefix = "冀A", Province = "冀", Rules = rules ?? OfficeRules.Default },
            new BusinessNotice("v1", "须知"),
            publication);
        Pool = new PlatePool(OfficeCode, "冀A", Ledger, Time, new CryptoRandomSource());
        Pool.PublishAsync(publication).GetAwaiter().GetResult();
        Vehicle = new VehicleRecord(Vin.WithCheckDigit("LSVAU2180N2184321"), "冀A12345", PlateKind.Small, EnergyKind.Pure, OwnerId, OfficeCode, OwnerPhone);
        Applicant = new AccountRecord
        {
            Username = "zhangsan",
            PasswordHash = "-",
            Role = Role.Citizen,
            Phone = "13800000001",
            UserType = UserType.Owner,
            OfficeCode = OfficeCode,
            IdNumber = OwnerId,
        };
        Rules = new SelectionRules(State, Pool, Time, SelectionMode.Formal, random ?? SystemRandomSource.Instance);
    }

    public SelectionRules Rules { get; }

    public Caller Owner => new(Applicant.Username, Role.Citizen, Applicant.OfficeCode, Applicant.IdNumber, Applicant.UserType);

    public SelectionReply Enter() => Rules.Entry.Enter(Facts);

    public EntryFacts Facts => new(Office, Vehicle, Applicant, BlacklistedUntil);

    /// <summary>Walks phase 1 and the SMS verification: the selection is then at the drawing stage.</summary>
    public void EnterAndVerify() => EnterAndVerify(Rules);

    public void EnterAndVerify(SelectionRules rules)
    {
        Succeeds(rules.Entry.Enter(Facts));
        Succeeds(rules.Entry.ConfirmInfo(Office.Notice.Version, Office));
        Succeeds(rules.Entry.Start());
        VerifyWithSentCode(rules);
    }

    public void VerifyWithSentCode(SelectionRules rules)
    {
        Assert.NotNull(rules.Sms.SendSmsCode().Sms);
        var code = rules.Mode.IsPractice ? "123456" : SentCode(rules);
        Time.Advance(TimeSpan.FromSeconds(rules.State.Rules.SmsConfirmDelaySeconds));
        Assert.Equal(SelectionStage.Drawing, Succeeds(rules.Sms.Verify(code)).Stage);
    }

    /// <summary>The code of the last text the rules asked to send.</summary>
    public static string SentCode(SelectionRules rules) =>
        rules.TakeEvents().OfType<SelectionEvent.CodeSent>().Last().Code;

    public async Task<SelectionView> DrawAsync(bool excludeFour = false) => Succeeds(await Rules.Drawing.DrawAsync(excludeFour));

    public static SelectionView Succeeds(SelectionReply reply)
    {
        Assert.True(reply.Error is null, $"expected success, got {reply.Error?.Code}: {reply.Error?.Detail}");
        return reply.View!;
    }

    public static PlateError Fails(SelectionReply reply, string code)
    {
        Assert.True(reply.Error is not null, $"expected {code}, got success");
        Assert.Equal(code, reply.Error!.Code);
        return reply.Error;
    }

    public NumberState? StateOf(string plate) => Pool.Allocator.StateOf(plate, Time.GetUtcNow());
}

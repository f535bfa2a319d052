using PlateOrleans.Contracts;
using PlateOrleans.Grains.Offices;

namespace PlateOrleans.Grains.Sms;

/// <summary>Today's count of verification codes sent to one phone (a day of Beijing time).</summary>
[GenerateSerializer, Alias("SmsQuotaState")]
public sealed class SmsQuotaState
{
    [Id(0)] public DateOnly Day { get; set; }
    [Id(1)] public int Count { get; set; }
}

/// <summary>
/// Caps the verification codes a phone receives per day, whichever vehicles and accounts ask: with the attempts per code,
/// this bounds how many guesses a day can make at a six-digit code. Stored, so that neither a restart nor an idle
/// deactivation hands out a fresh day; written once per code on opening day, so it is committed in groups with the
/// selections (the default provider would make it a commit of its own for every applicant).
/// </summary>
public sealed class SmsQuotaGrain(
    [PersistentState("sms-quota", StorageNames.Selections)] IPersistentState<SmsQuotaState> state,
    TimeProvider time) : Grain, ISmsQuotaGrain
{
    /// <summary>Codes per phone per day.</summary>
    public const int CodesPerDay = 10;

    public async Task<DateTimeOffset?> TryTakeAsync()
    {
        var now = time.GetUtcNow();
        var today = OfficeCalendar.LocalDate(now);
        if (state.State.Day != today)
        {
            (state.State.Day, state.State.Count) = (today, 0);
        }

        if (state.State.Count >= CodesPerDay)
        {
            return OfficeCalendar.EndOf(today);
        }

        state.State.Count++;
        await state.WriteStateAsync();
        return null;
    }
}

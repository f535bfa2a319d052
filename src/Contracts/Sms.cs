using Orleans.Concurrency;

namespace PlateOrleans.Contracts;

/// <summary>How many verification codes one phone received today: a cap a single phone cannot go beyond, whoever asks.</summary>
[Alias("PlateOrleans.ISmsQuotaGrain")]
public interface ISmsQuotaGrain : IGrainWithStringKey
{
    /// <summary>Counts one more code for today; null when allowed, otherwise the moment the next one is.</summary>
    [Alias("TryTake")]
    Task<DateTimeOffset?> TryTakeAsync();
}

/// <summary>The development SMS outbox of one phone: what was "sent" to it.</summary>
[Alias("PlateOrleans.ISmsOutboxGrain")]
public interface ISmsOutboxGrain : IGrainWithStringKey
{
    /// <remarks>Awaited (not one-way), so a code is in the outbox by the time "sms-code" answers.</remarks>
    [Alias("Add")]
    Task AddAsync(SmsMessage message);

    [ReadOnly, Alias("List")]
    Task<IReadOnlyList<SmsMessage>> ListAsync();
}

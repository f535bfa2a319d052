using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Sms;

/// <summary>The messages "sent" to one phone, newest first, in memory (development only), the last 50.</summary>
public sealed class SmsOutboxGrain : Grain, ISmsOutboxGrain
{
    private const int Keep = 50;
    private readonly LinkedList<SmsMessage> _messages = new();

    public Task AddAsync(SmsMessage message)
    {
        _messages.AddFirst(message);
        if (_messages.Count > Keep)
        {
            _messages.RemoveLast();
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SmsMessage>> ListAsync() => Task.FromResult<IReadOnlyList<SmsMessage>>([.. _messages]);
}

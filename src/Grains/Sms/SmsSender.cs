using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Sms;

/// <summary>Sends text messages. The development outbox keeps them for reading; a vendor's gateway plugs in here.</summary>
public interface ISmsSender
{
    /// <summary>Hands a message over for delivery; does not wait for the phone to get it.</summary>
    Task SendAsync(string phone, string text);
}

/// <summary>Keeps every message in the phone's outbox grain, so that a developer or a load test can read the codes.</summary>
public sealed class OutboxSmsSender(IGrainFactory grains, TimeProvider time) : ISmsSender
{
    public Task SendAsync(string phone, string text) =>
        grains.Get<ISmsOutboxGrain>(phone).AddAsync(new SmsMessage(phone, text, time.GetUtcNow()));
}

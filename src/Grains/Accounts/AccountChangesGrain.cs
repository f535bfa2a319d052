using Microsoft.Extensions.Logging;
using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Accounts;

/// <summary>
/// Tells the API nodes that an account changed (disabled, new password or role), so that the accounts they keep for
/// the token check act on the change at the next request. Subscribers live in memory: should this grain move, the
/// nodes subscribe again within a renewal and keep nothing longer than that meanwhile.
/// </summary>
public sealed class AccountChangesGrain(ILogger<AccountChangesGrain> logger) : Grain, IAccountChangesGrain
{
    /// <summary>How long a subscriber that does not answer is waited for: it drops its kept accounts when its renewal fails.</summary>
    private static readonly TimeSpan _answerWithin = TimeSpan.FromSeconds(2);

    /// <summary>Each subscriber and when it last subscribed (the process's clock).</summary>
    private readonly Dictionary<IAccountChangesObserver, long> _subscribers = [];

    public Task<bool> SubscribeAsync(IAccountChangesObserver observer)
    {
        var known = _subscribers.ContainsKey(observer);
        _subscribers[observer] = Environment.TickCount64;
        return Task.FromResult(known);
    }

    public async Task PublishAsync(string username)
    {
        var forgetBefore = Environment.TickCount64 - (long)(2 * IAccountChangesGrain.RenewEvery.TotalMilliseconds);
        foreach (var gone in _subscribers.Where(s => s.Value < forgetBefore).Select(s => s.Key).ToList())
        {
            _subscribers.Remove(gone);
        }

        await Task.WhenAll(_subscribers.Keys.ToList().Select(async subscriber =>
        {
            try
            {
                await subscriber.AccountChangedAsync(username).WaitAsync(_answerWithin);
            }
            catch (Exception exception)
            {
                _subscribers.Remove(subscriber);
                logger.LogWarning("An API node did not take the change of account {Username} ({Error}); it is dropped until it subscribes again",
                    username, exception.GetType().Name);
            }
        }));
    }
}

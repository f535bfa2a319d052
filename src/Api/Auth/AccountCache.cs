using System.Collections.Concurrent;
using PlateOrleans.Contracts;

namespace PlateOrleans.Api.Auth;

/// <summary>
/// The accounts this API node checked tokens against, kept for <see cref="KeptFor"/> so that a request costs no grain
/// call for its token (a tenth of a request's CPU in the profile of issue 7). An account that changes (disabled, new
/// password or role) is dropped at once: its grain tells every subscribed node before the change is answered
/// (<see cref="IAccountChangesGrain"/>). Nothing is kept while this node is not subscribed, and everything is dropped
/// when a renewal finds the subscription lost, so a change is never missed for longer than a renewal.
/// </summary>
public sealed class AccountCache(IGrainFactory grains, ILogger<AccountCache> logger) : BackgroundService, IAccountChangesObserver
{
    public static readonly TimeSpan KeptFor = IAccountChangesGrain.RenewEvery;

    private readonly ConcurrentDictionary<string, Kept> _accounts = new(StringComparer.Ordinal);

    /// <summary>Counts drops, so that an account fetched while it changed is not kept in its old form.</summary>
    private long _drops;

    private volatile bool _subscribed;

    /// <summary>The account named in a token, or null when none exists.</summary>
    public async Task<AccountRecord?> GetAsync(string username)
    {
        var key = username.ToLowerInvariant();
        if (_accounts.TryGetValue(key, out var kept) && Environment.TickCount64 - kept.Since < KeptFor.TotalMilliseconds)
        {
            return kept.Account;
        }

        var drops = Interlocked.Read(ref _drops);
        var account = await grains.Account(username).GetAsync();
        if (account is not null && _subscribed && Interlocked.Read(ref _drops) == drops)
        {
            _accounts[key] = new Kept(account, Environment.TickCount64);
        }

        return account;
    }

    /// <summary>Whether this node keeps the account now, to be checked without its grain.</summary>
    public bool Keeps(string username) => _accounts.ContainsKey(username.ToLowerInvariant());

    public Task AccountChangedAsync(string username)
    {
        Interlocked.Increment(ref _drops);
        _accounts.TryRemove(username.ToLowerInvariant(), out _);
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var self = grains.CreateObjectReference<IAccountChangesObserver>(this);
        using var renewals = new PeriodicTimer(KeptFor / 3);
        do
        {
            try
            {
                var known = await grains.GetGrain<IAccountChangesGrain>(0).SubscribeAsync(self);
                if (!known)
                {
                    DropAll();
                }

                _subscribed = true;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                _subscribed = false;
                DropAll();
                logger.LogWarning("Could not subscribe to account changes ({Error}); tokens are checked against the accounts' grains meanwhile", exception.GetType().Name);
            }

            // Drops what is too old to be used, so that the dictionary holds about the accounts of the last minute.
            var before = Environment.TickCount64 - (long)KeptFor.TotalMilliseconds;
            foreach (var old in _accounts.Where(a => a.Value.Since < before))
            {
                _accounts.TryRemove(old);
            }
        }
        while (await renewals.WaitForNextTickAsync(stoppingToken));
    }

    private void DropAll()
    {
        Interlocked.Increment(ref _drops);
        _accounts.Clear();
    }

    private readonly record struct Kept(AccountRecord Account, long Since);
}

namespace PlateOrleans.Grains.Accounts;

/// <summary>
/// Growing waits after failed sign-ins to one account, so that guessing its password costs time rather than the
/// server's hashing, and so that no attacker can lock the owner out:
/// <list type="bullet">
/// <item>per address: from the <see cref="FreeFailures"/>th failure in a row on, the next try waits 1, 2, 4 … seconds,
/// at most <see cref="MaxAddressWait"/>; a success from that address ends it;</item>
/// <item>for the account: once <see cref="AccountFailures"/> failures fell within <see cref="Window"/>, addresses that
/// never signed in to it wait too (at most <see cref="MaxAccountWait"/>); addresses that did sign in are not slowed,
/// so the owner still gets in while strangers are guessing.</item>
/// </list>
/// Kept in the account's activation only: a restart forgets it, which costs an attacker nothing they could not get by
/// waiting, and costs no storage write per failure.
/// </summary>
public sealed class SignInThrottle(TimeProvider time)
{
    public const int FreeFailures = 3;
    public const int AccountFailures = 10;
    public static readonly TimeSpan MaxAddressWait = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan MaxAccountWait = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>Addresses remembered at most, so that a flood of addresses cannot grow the activation without bound.</summary>
    private const int MaxAddresses = 1_000;

    private readonly Dictionary<string, (int Failures, DateTimeOffset Last)> _addresses = [];
    private readonly Queue<DateTimeOffset> _recentFailures = new();
    private readonly HashSet<string> _knownGood = [];

    /// <summary>How long a try from this address must still wait; zero when it may go on.</summary>
    public TimeSpan WaitFor(string address)
    {
        var now = time.GetUtcNow();
        var wait = TimeSpan.Zero;
        if (_addresses.TryGetValue(address, out var entry) && entry.Failures >= FreeFailures)
        {
            wait = Max(wait, entry.Last + Backoff(entry.Failures - FreeFailures, MaxAddressWait) - now);
        }

        Forget(now);
        if (!_knownGood.Contains(address) && _recentFailures.Count >= AccountFailures)
        {
            wait = Max(wait, _recentFailures.Last() + Backoff(_recentFailures.Count - AccountFailures, MaxAccountWait) - now);
        }

        return wait;
    }

    public void Record(string address, bool succeeded)
    {
        var now = time.GetUtcNow();
        if (succeeded)
        {
            _addresses.Remove(address);
            if (_knownGood.Count < MaxAddresses)
            {
                _knownGood.Add(address);
            }

            return;
        }

        _recentFailures.Enqueue(now);
        Forget(now);
        if (_addresses.Count >= MaxAddresses && !_addresses.ContainsKey(address))
        {
            _addresses.Remove(_addresses.MinBy(a => a.Value.Last).Key);
        }

        _addresses[address] = (_addresses.TryGetValue(address, out var entry) && now - entry.Last < Window ? entry.Failures + 1 : 1, now);
    }

    private void Forget(DateTimeOffset now)
    {
        while (_recentFailures.TryPeek(out var oldest) && now - oldest > Window)
        {
            _recentFailures.Dequeue();
        }
    }

    private static TimeSpan Backoff(int step, TimeSpan max) =>
        step >= 20 ? max : TimeSpan.FromSeconds(Math.Min(max.TotalSeconds, Math.Pow(2, step)));

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

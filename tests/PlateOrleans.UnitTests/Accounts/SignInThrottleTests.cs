using Microsoft.Extensions.Time.Testing;
using PlateOrleans.Grains.Accounts;

namespace PlateOrleans.UnitTests.Accounts;

public sealed class SignInThrottleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 1, 0, 0, TimeSpan.Zero));

    private static void Fail(SignInThrottle throttle, string address, int times)
    {
        for (var i = 0; i < times; i++)
        {
            throttle.Record(address, succeeded: false);
        }
    }

    [Fact]
    public void AfterThreeFailuresFromAnAddressItsWaitsDoubleUpToACap()
    {
        var throttle = new SignInThrottle(_time);
        Fail(throttle, "1.2.3.4", 2);
        Assert.Equal(TimeSpan.Zero, throttle.WaitFor("1.2.3.4"));

        Fail(throttle, "1.2.3.4", 1);
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.WaitFor("1.2.3.4"));
        Fail(throttle, "1.2.3.4", 1);
        Assert.Equal(TimeSpan.FromSeconds(2), throttle.WaitFor("1.2.3.4"));
        Fail(throttle, "1.2.3.4", 1);
        Assert.Equal(TimeSpan.FromSeconds(4), throttle.WaitFor("1.2.3.4"));

        Fail(throttle, "1.2.3.4", 30);
        Assert.True(throttle.WaitFor("1.2.3.4") <= SignInThrottle.MaxAddressWait);
        Assert.True(throttle.WaitFor("1.2.3.4") >= SignInThrottle.MaxAccountWait);
    }

    [Fact]
    public void TheWaitRunsFromTheLastFailureAndASuccessEndsIt()
    {
        var throttle = new SignInThrottle(_time);
        Fail(throttle, "1.2.3.4", 5);
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(TimeSpan.Zero, throttle.WaitFor("1.2.3.4"));

        throttle.Record("1.2.3.4", succeeded: true);
        Fail(throttle, "1.2.3.4", 2);
        Assert.Equal(TimeSpan.Zero, throttle.WaitFor("1.2.3.4"));
    }

    [Fact]
    public void GuessesFromManyAddressesSlowStrangersButNeverTheOwnersOwnAddress()
    {
        var throttle = new SignInThrottle(_time);
        throttle.Record("owner-home", succeeded: true);
        for (var i = 0; i < 40; i++)
        {
            throttle.Record($"10.0.0.{i}", succeeded: false);
        }

        Assert.True(throttle.WaitFor("10.9.9.9") > TimeSpan.Zero);
        Assert.True(throttle.WaitFor("10.9.9.9") <= SignInThrottle.MaxAccountWait);
        Assert.Equal(TimeSpan.Zero, throttle.WaitFor("owner-home"));

        // The account-wide wait ends with the window: no lockout an attacker can keep up by having failed once.
        _time.Advance(SignInThrottle.Window + TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, throttle.WaitFor("10.9.9.9"));
    }
}

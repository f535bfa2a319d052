using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PlateOrleans.Grains.Sms;
using static PlateOrleans.ApiTests.Appointments;

namespace PlateOrleans.ApiTests;

/// <summary>The API with an SMS sender that delivers verification codes (to the outbox) and fails every other text.</summary>
public sealed class FailingSmsFactory : ApiFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<ISmsSender>(sp =>
            new CodesOnlySender(new OutboxSmsSender(sp.GetRequiredService<IGrainFactory>(), TimeProvider.System))));
    }

    private sealed class CodesOnlySender(ISmsSender outbox) : ISmsSender
    {
        public Task SendAsync(string phone, string text) =>
            text.Contains("验证码", StringComparison.Ordinal)
                ? outbox.SendAsync(phone, text)
                : throw new HttpRequestException("The SMS gateway refused the message.");
    }
}

/// <summary>A sender that fails is logged and never fails the step that sent the text.</summary>
public sealed class SmsFailureTests(FailingSmsFactory factory) : ApiTest<FailingSmsFactory>(factory), IClassFixture<FailingSmsFactory>
{
    [Fact]
    public async Task ConfirmingBookingMovingAndCancellingSucceedWhenTheSenderFails()
    {
        var office = await OfficeAsync(Api);
        var confirmed = await Confirmed.WalkAsync(Api, office);
        var today = Today(DateTimeOffset.UtcNow);

        await Expect(HttpStatusCode.Created, confirmed.Citizen.Client.PostAsJsonAsync(Path(confirmed.Vin), Body(today.AddDays(2))));
        await Expect(HttpStatusCode.Created, confirmed.Citizen.Client.PostAsJsonAsync(Path(confirmed.Vin), Body(today.AddDays(3))));
        Assert.Equal((0, 1), (await BookedAsync(Api, office, today.AddDays(2)), await BookedAsync(Api, office, today.AddDays(3))));
        await Expect(HttpStatusCode.NoContent, confirmed.Citizen.Client.DeleteAsync(Path(confirmed.Vin)));

        var view = await ViewAsync(confirmed.Citizen, confirmed.Vin);
        Assert.Equal("completed", view.GetProperty("stage").GetString());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("selected").GetProperty("appointment").ValueKind);
        Assert.All(await TextsAsync(Api, confirmed.Citizen.Phone), text => Assert.Contains("验证码", text, StringComparison.Ordinal));
    }
}

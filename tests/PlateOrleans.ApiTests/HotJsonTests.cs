using PlateOrleans.Api.Http;
using PlateOrleans.Api.Selections;
using PlateOrleans.Contracts;

namespace PlateOrleans.ApiTests;

public sealed class HotJsonTests
{
    private static JsonSerializerOptions ContractOptions()
    {
        var options = new JsonSerializerOptions();
        JsonSetup.Configure(options);
        return options;
    }

    [Theory]
    [InlineData(typeof(SelectionView))]
    [InlineData(typeof(SmsCodeSent))]
    [InlineData(typeof(DrawRequest))]
    [InlineData(typeof(PlateRequest))]
    [InlineData(typeof(VerificationRequest))]
    [InlineData(typeof(InfoConfirmationRequest))]
    public void TheSelectionStepsBodiesUseMetadataGeneratedAtCompileTime(Type body) =>
        Assert.Same(HotJson.Default, ContractOptions().GetTypeInfo(body).OriginatingResolver);

    [Fact]
    public void TheGeneratedMetadataKeepsTheContractsNamesEnumsAndTimes()
    {
        var at = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.FromHours(8));
        var json = JsonSerializer.Serialize(new SmsCodeSent("138****0000", at, at, at, false, at), ContractOptions());
        Assert.Contains("\"confirmEnabledAt\":\"2026-11-25T01:00:00Z\"", json);
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<DrawRequest>("{\"excludeFour\":1}", ContractOptions()));
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using PlateOrleans.Baseline.Domain;

namespace PlateOrleans.Baseline.Http;

/// <summary>Source-generated JSON for every type the baseline reads or writes: no reflection on the hot path.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(RegisterRequest))]
[JsonSerializable(typeof(RegisteredResponse))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(List<MyVehicle>))]
[JsonSerializable(typeof(OfficeRequest))]
[JsonSerializable(typeof(OfficeDetails))]
[JsonSerializable(typeof(NoticeDto))]
[JsonSerializable(typeof(List<OfficeSummary>))]
[JsonSerializable(typeof(PoolRequest))]
[JsonSerializable(typeof(PoolResponse))]
[JsonSerializable(typeof(VehicleImportItem))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(ImportResult))]
[JsonSerializable(typeof(List<Assignment>))]
[JsonSerializable(typeof(InfoConfirmationRequest))]
[JsonSerializable(typeof(VerificationRequest))]
[JsonSerializable(typeof(DrawRequest))]
[JsonSerializable(typeof(PlateRequest))]
[JsonSerializable(typeof(SelectionView))]
[JsonSerializable(typeof(SmsCodeSent))]
[JsonSerializable(typeof(List<SmsMessage>))]
[JsonSerializable(typeof(Problem))]
[JsonSerializable(typeof(Rules))]
[JsonSerializable(typeof(List<Location>))]
[JsonSerializable(typeof(List<SeriesBlocks>))]
internal sealed partial class BaselineJson : JsonSerializerContext
{
    /// <summary>
    /// The context the app writes with: as <see cref="Default"/>, but Chinese text and plates go out as UTF-8 rather
    /// than \u escapes (smaller answers; the JSON is never embedded in HTML).
    /// </summary>
    public static BaselineJson Wire { get; } = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}

using System.Text.Json.Serialization;
using PlateOrleans.Api.Selections;
using PlateOrleans.Contracts;

namespace PlateOrleans.Api.Http;

/// <summary>
/// JSON metadata generated at compile time for the bodies of the selection steps, the requests an opening day is made
/// of: no reflection to build it at start, and less work per request. Other types fall through to reflection
/// (<see cref="JsonSetup"/> puts this first in the resolver chain). The converters of <see cref="JsonSetup"/> apply.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SelectionView))]
[JsonSerializable(typeof(SmsCodeSent))]
[JsonSerializable(typeof(InfoConfirmationRequest))]
[JsonSerializable(typeof(VerificationRequest))]
[JsonSerializable(typeof(DrawRequest))]
[JsonSerializable(typeof(PlateRequest))]
internal sealed partial class HotJson : JsonSerializerContext;

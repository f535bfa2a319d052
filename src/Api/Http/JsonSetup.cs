using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PlateOrleans.Api.Http;

/// <summary>The JSON of the contract: camelCase, enums as camelCase strings, times as ISO 8601 UTC with a Z.</summary>
public static class JsonSetup
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new StrictEnumConverter());
        options.Converters.Add(new UtcTimeConverter());
        options.NumberHandling = JsonNumberHandling.Strict;
        options.AllowTrailingCommas = false;
        options.ReadCommentHandling = JsonCommentHandling.Disallow;
        options.TypeInfoResolverChain.Insert(0, HotJson.Default);
    }

    /// <summary>
    /// Enums as their camelCase names, read case-insensitively and nothing else: no numbers, and no comma lists
    /// (<see cref="JsonStringEnumConverter"/> would read "small, large" as flags of an enum that has none).
    /// </summary>
    private sealed class StrictEnumConverter : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert))!;

        private sealed class Converter<T> : JsonConverter<T>
            where T : struct, Enum
        {
            private static readonly Dictionary<string, T> _byName =
                Enum.GetValues<T>().ToDictionary(v => JsonNamingPolicy.CamelCase.ConvertName(v.ToString()), StringComparer.OrdinalIgnoreCase);

            private static readonly Dictionary<T, string> _names = _byName.ToDictionary(p => p.Value, p => p.Key);

            public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
                reader.TokenType == JsonTokenType.String && _byName.TryGetValue(reader.GetString()!, out var value)
                    ? value
                    : throw new JsonException($"Expected one of: {string.Join(", ", _byName.Keys)}.");

            public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
                writer.WriteStringValue(_names[value]);
        }
    }

    /// <summary>Writes <c>2026-11-25T09:00:00Z</c> (milliseconds only when there are some); reads any ISO 8601 time with an offset.</summary>
    private sealed class UtcTimeConverter : JsonConverter<DateTimeOffset>
    {
        private const string Format = "yyyy-MM-dd'T'HH:mm:ss.FFF'Z'";

        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture));
    }
}

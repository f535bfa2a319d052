namespace PlateOrleans.Contracts;

/// <summary>Either a value or the rule it broke. Grain methods return it instead of throwing for expected failures.</summary>
[GenerateSerializer, Immutable, Alias("Outcome`1")]
public sealed record Outcome<T>(
    [property: Id(0)] T? Value,
    [property: Id(1)] PlateError? Error)
{
    public bool IsSuccess => Error is null;

    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(PlateError error) => new(default, error);
}

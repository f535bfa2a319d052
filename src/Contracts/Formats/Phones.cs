namespace PlateOrleans.Contracts.Formats;

/// <summary>Mobile numbers as they are shown back to people: never whole.</summary>
public static class Phones
{
    /// <summary>138****0000; anything that is not 11 characters long shows as ****.</summary>
    public static string Mask(string? phone) =>
        phone is { Length: 11 } ? $"{phone[..3]}****{phone[7..]}" : "****";
}

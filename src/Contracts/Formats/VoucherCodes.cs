namespace PlateOrleans.Contracts.Formats;

/// <summary>
/// The verification code of a pre-selection voucher (预选号凭证): 12 letters and digits, without the ones easily
/// misread (0, 1, I, O), typed at the window to find the selection.
/// </summary>
public static class VoucherCodes
{
    public const string Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    public const int Length = 12;

    public static bool IsVoucherCode(string text) => text.Length == Length && text.All(Alphabet.Contains);
}

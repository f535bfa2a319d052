namespace PlateOrleans.Grains.Selection;

/// <summary>
/// What the rules treat differently in practice (模拟选号) and in a formal selection, side by side in one place.
/// </summary>
/// <param name="IsPractice">A practice run: the view says <c>"simulation": true</c>.</param>
/// <param name="KeepsOfficeHours">The office's opening date and hours apply (maintenance closes both).</param>
/// <param name="ChecksBlacklist">A blacklisted person is refused (they may still practise).</param>
/// <param name="SendsCodes">
/// The verification code goes to the owner's phone on the office's record, under the daily cap and with the wait before
/// it may be used; otherwise nothing is sent and any six digits verify at once.
/// </param>
/// <param name="IssuesVoucher">A confirmation comes with a voucher code and an exchange deadline (and a lapse after it).</param>
public sealed record SelectionMode(bool IsPractice, bool KeepsOfficeHours, bool ChecksBlacklist, bool SendsCodes, bool IssuesVoucher)
{
    public static SelectionMode Formal { get; } = new(IsPractice: false, KeepsOfficeHours: true, ChecksBlacklist: true, SendsCodes: true, IssuesVoucher: true);

    public static SelectionMode Practice { get; } = new(IsPractice: true, KeepsOfficeHours: false, ChecksBlacklist: false, SendsCodes: false, IssuesVoucher: false);
}

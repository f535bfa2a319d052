namespace PlateOrleans.Contracts;

/// <summary>
/// The ledger's store did not answer; the caller should fail cleanly (503) and may retry. It crosses grain calls (a
/// grain that could not write its audit trail fails with it), so it is serializable and carries the cause as text only:
/// database exceptions are not.
/// </summary>
[GenerateSerializer, Alias("PlateOrleans.LedgerUnavailableException")]
public sealed class LedgerUnavailableException(string message) : Exception(message);

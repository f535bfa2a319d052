using PlateOrleans.Api.Http;
using PlateOrleans.Contracts;
using Problem = PlateOrleans.Api.Http.Problems.ProblemResult;

namespace PlateOrleans.Api.Admin;

/// <summary>
/// Puts an operator's action into the audit trail with who and when, after the action took effect, and waits until the
/// trail has it (group-committed with the selections' events). When the trail does not answer, the request answers
/// 503 <c>unavailable</c> saying that the action took effect but was not recorded, and the event is logged in full, so
/// that it is never half done silently: every audited action is idempotent, and sending it again records it.
/// Details name what changed (counts, settings, usernames), never a password, a hash, an ID number or a phone.
/// </summary>
public sealed class OperatorAudit(IGrainFactory grains, TimeProvider time, ILogger<OperatorAudit> logger)
{
    /// <summary>Records an action; null when recorded, else the 503 to answer.</summary>
    public async Task<Problem?> RecordAsync(Caller caller, string kind, string? officeCode, string detail)
    {
        var record = new AuditRecord(time.GetUtcNow(), kind, null, officeCode, caller.Username, [], detail);
        try
        {
            await grains.GetGrain<IOperatorAuditGrain>(0).RecordAsync(record);
            return null;
        }
        catch (Exception exception) when (ProblemExceptionHandler.IsTransient(exception))
        {
            logger.LogError(
                "The audit trail did not record an operator's action that took effect: {Kind} by {Actor} at {At:O}, office {Office}: {Detail} ({Error})",
                record.Kind, record.Actor, record.At, record.OfficeCode, record.Detail, exception.Message);
            return Problems.Result(new PlateError(ErrorCodes.Unavailable, "操作已生效，但审计记录未能写入：请稍后重新提交同一请求以补记。"));
        }
    }
}

using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Selection;

/// <summary>
/// Entering and the gates: the office, the caller, ownership (and a vehicle that changed hands), region, eligibility and
/// the blacklist; the notice and the start.
/// </summary>
public sealed class EntryRules(SelectionContext selection)
{
    private SelectionState State => selection.State;

    private SelectionMode Mode => selection.Mode;

    private DateTimeOffset Now => selection.Now;

    /// <summary>The office gate: maintenance always; opening date and hours for formal selections only.</summary>
    public PlateError? CheckOffice(OfficeSnapshot office)
    {
        var error = OfficeCalendar.Gate(office, Now);
        return !Mode.KeepsOfficeHours && error?.Code != ErrorCodes.Maintenance ? null : error;
    }

    /// <summary>Whether the caller may act on this selection (it must have been entered by its owner's side).</summary>
    public PlateError? CheckActor(Caller caller)
    {
        if (State.Stage is null)
        {
            return PlateError.NotFound("该车辆尚未进入选号，请先进入选号。");
        }

        return caller.IdNumber == State.OwnerIdNumber
            ? null
            : new PlateError(ErrorCodes.NotOwner, "该车辆不属于本人或本单位。");
    }

    /// <summary>Whether the caller may read this selection: its owner, or an operator of its office.</summary>
    public PlateError? CheckReader(Caller caller)
    {
        if (State.Stage is null)
        {
            return PlateError.NotFound("该车辆尚未进入选号。");
        }

        if (caller.IdNumber == State.OwnerIdNumber || caller.Oversees(State.OfficeCode))
        {
            return null;
        }

        return caller.Role == Role.Citizen
            ? new PlateError(ErrorCodes.NotOwner, "该车辆不属于本人或本单位。")
            : new PlateError(ErrorCodes.Forbidden, "只能查看本车管所的选号。");
    }

    /// <summary>
    /// Enters (starts or resumes) the selection. Checks, in API.md's order: office state, ownership, region, blacklist,
    /// eligibility; then routes as the seed says.
    /// </summary>
    public SelectionReply Enter(EntryFacts facts)
    {
        if (facts.Vehicle is not { } vehicle)
        {
            return PlateError.NotFound("未找到该车辆。");
        }

        if (facts.Office is not { } office)
        {
            return PlateError.NotFound("该车辆所属车管所未开通网上选号。");
        }

        var applicant = facts.Applicant;
        var rejection = CheckOffice(office)
            ?? CheckOwnership(vehicle, applicant)
            ?? CheckRegion(vehicle, applicant, office)
            ?? CheckBlacklist(facts.BlacklistedUntil)
            ?? CheckEligibility(vehicle);
        if (rejection is not null)
        {
            return rejection;
        }

        selection.MarkChanged();

        // Codes and messages go to the phone on the office's record, never to one typed at registration: knowing the
        // owner's ID number must not be enough to select for their vehicle.
        State.Phone = vehicle.OwnerPhone;
        switch (State.Stage)
        {
            case null:
                Begin(vehicle, office);
                NameApplicant(applicant);
                break;
            case SelectionStage.ConfirmInfo:
                State.OwnerIdNumber = vehicle.OwnerIdNumber;
                NameApplicant(applicant);
                break;
            case SelectionStage.Lapsed:
                // The blacklist is over (or was lifted): the vehicle selects anew.
                State.StartOver();
                Begin(vehicle, office);
                NameApplicant(applicant);
                break;
            case SelectionStage.ServiceInfo or SelectionStage.VerifyIdentity or SelectionStage.Drawing:
                if (State.RemainingDraws <= 0)
                {
                    return selection.DrawsExhausted();
                }

                // Back to the service explanation; identity must be verified again on every entry.
                State.Stage = SelectionStage.ServiceInfo;
                break;
        }

        return selection.View();
    }

    private void Begin(VehicleRecord vehicle, OfficeSnapshot office)
    {
        State.Stage = SelectionStage.ConfirmInfo;
        State.Vin = vehicle.Vin;
        State.OfficeCode = office.Code;
        State.PlateKind = vehicle.PlateKind;
        State.Energy = vehicle.Energy;
        State.OwnerIdNumber = vehicle.OwnerIdNumber;
        State.Rules = office.Settings.Rules;
        State.EnteredAt = Now;
    }

    /// <summary>
    /// The person who makes a selection stays its applicant (the blacklist of a lapse is theirs): set at the first
    /// entry, and again only when the vehicle changed hands before anything was confirmed.
    /// </summary>
    private void NameApplicant(AccountRecord applicant)
    {
        if (State.ApplicantIdNumber is null)
        {
            State.ApplicantIdNumber = applicant.IdNumber;
            State.ApplicantUsername = applicant.Username;
        }
    }

    private static PlateError? CheckOwnership(VehicleRecord vehicle, AccountRecord applicant) =>
        applicant.IdNumber is not null && applicant.IdNumber == vehicle.OwnerIdNumber
            ? null
            : new PlateError(ErrorCodes.NotOwner, "该车辆不属于本人或本单位。");

    private static PlateError? CheckRegion(VehicleRecord vehicle, AccountRecord applicant, OfficeSnapshot office)
    {
        if (applicant.OfficeCode == vehicle.OfficeCode)
        {
            return null;
        }

        if (applicant.UserType is UserType.NewCarOwner or UserType.Learner or UserType.Unit)
        {
            return new PlateError(ErrorCodes.RegionNotAllowed, "新车车主、学员和单位用户只能在注册地预选号牌。");
        }

        return office.Settings.CrossRegion
            ? null
            : new PlateError(ErrorCodes.RegionNotAllowed, $"{office.Settings.Name}不受理异地预选号牌。");
    }

    /// <summary>
    /// Whether the applicant (the person, whichever of their accounts calls) is blacklisted now: checked at entry and
    /// again at every step of a formal selection.
    /// </summary>
    public PlateError? CheckBlacklist(DateTimeOffset? blacklistedUntil) =>
        Mode.ChecksBlacklist && blacklistedUntil is { } until && until > Now
            ? new PlateError(ErrorCodes.Blacklisted, $"您因逾期未办理换牌被列入黑名单，{OfficeCalendar.LocalDate(until):yyyy-MM-dd} 前不能网上预选号牌。") { Until = until }
            : null;

    private static PlateError? CheckEligibility(VehicleRecord vehicle) =>
        Eligibility.ReasonAgainst(vehicle) is { } reason
            ? new PlateError(ErrorCodes.NotEligible, Eligibility.Describe(reason)) { Reason = reason }
            : null;

    /// <summary>
    /// The vehicle changed hands (re-imported with another owner): the selection follows the vehicle. The new owner
    /// must enter and verify their own phone; the former owner can no longer act on it.
    /// </summary>
    public void VehicleChanged(VehicleRecord vehicle)
    {
        if (State.Stage is null || (State.OwnerIdNumber == vehicle.OwnerIdNumber && State.Phone == vehicle.OwnerPhone))
        {
            return;
        }

        selection.MarkChanged();
        State.Phone = vehicle.OwnerPhone;
        if (State.OwnerIdNumber == vehicle.OwnerIdNumber)
        {
            return;
        }

        State.OwnerIdNumber = vehicle.OwnerIdNumber;
        if (State.Selected is null)
        {
            // Nothing confirmed yet: the selection becomes the new owner's. A confirmed one stays the applicant's,
            // whose blacklist a lapse would be.
            (State.ApplicantUsername, State.ApplicantIdNumber) = (null, null);
        }

        if (State.InProgress)
        {
            State.Stage = SelectionStage.ServiceInfo;
        }
    }

    /// <summary>
    /// Confirms the vehicle and office information and accepts the current notice. The office's rules of this moment,
    /// the ones the accepted notice describes, are the rules of this selection to its end.
    /// </summary>
    public SelectionReply ConfirmInfo(string noticeVersion, OfficeSnapshot office)
    {
        var current = office.Notice;
        if (State.Stage != SelectionStage.ConfirmInfo)
        {
            return selection.WrongStage("信息已确认。");
        }

        if (noticeVersion != current.Version)
        {
            return PlateError.Validation("noticeVersion", $"须阅读并同意当前版本的业务须知（{current.Version}）。");
        }

        selection.MarkChanged();
        State.Rules = office.Settings.Rules;
        State.NoticeVersion = noticeVersion;
        State.NoticeAcceptedAt = Now;
        State.Stage = SelectionStage.ServiceInfo;
        return selection.View();
    }

    /// <summary>"Start selection" on the service explanation: on to identity verification.</summary>
    public SelectionReply Start()
    {
        if (State.Stage != SelectionStage.ServiceInfo)
        {
            return selection.WrongStage("当前步骤不能开始选号。");
        }

        selection.MarkChanged();
        State.Stage = SelectionStage.VerifyIdentity;
        return selection.View();
    }
}

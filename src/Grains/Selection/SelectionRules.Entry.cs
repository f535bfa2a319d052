using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Selection;

/// <summary>Entering and the gates: the office, the caller, ownership, region, eligibility and the blacklist; the notice and the start.</summary>
public sealed partial class SelectionRules
{
    /// <summary>The office gate: maintenance always; opening date and hours for formal selections only.</summary>
    public PlateError? CheckOffice(OfficeSnapshot office)
    {
        var error = OfficeCalendar.Gate(office, Now);
        return !mode.KeepsOfficeHours && error?.Code != ErrorCodes.Maintenance ? null : error;
    }

    /// <summary>Whether the caller may act on this selection (it must have been entered by its owner's side).</summary>
    public PlateError? CheckActor(Caller caller)
    {
        if (state.Stage is null)
        {
            return PlateError.NotFound("该车辆尚未进入选号，请先进入选号。");
        }

        return caller.IdNumber == state.OwnerIdNumber
            ? null
            : new PlateError(ErrorCodes.NotOwner, "该车辆不属于本人或本单位。");
    }

    /// <summary>Whether the caller may read this selection: its owner, or an operator of its office.</summary>
    public PlateError? CheckReader(Caller caller)
    {
        if (state.Stage is null)
        {
            return PlateError.NotFound("该车辆尚未进入选号。");
        }

        if (caller.IdNumber == state.OwnerIdNumber || caller.Oversees(state.OfficeCode))
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

        Changed = true;

        // Codes and messages go to the phone on the office's record, never to one typed at registration: knowing the
        // owner's ID number must not be enough to select for their vehicle.
        state.Phone = vehicle.OwnerPhone;
        switch (state.Stage)
        {
            case null:
                Begin(vehicle, office);
                NameApplicant(applicant);
                break;
            case SelectionStage.ConfirmInfo:
                state.OwnerIdNumber = vehicle.OwnerIdNumber;
                NameApplicant(applicant);
                break;
            case SelectionStage.Lapsed:
                // The blacklist is over (or was lifted): the vehicle selects anew.
                state.StartOver();
                Begin(vehicle, office);
                NameApplicant(applicant);
                break;
            case SelectionStage.ServiceInfo or SelectionStage.VerifyIdentity or SelectionStage.Drawing:
                if (state.RemainingDraws <= 0)
                {
                    return DrawsExhausted();
                }

                // Back to the service explanation; identity must be verified again on every entry.
                state.Stage = SelectionStage.ServiceInfo;
                break;
        }

        return View();
    }

    private void Begin(VehicleRecord vehicle, OfficeSnapshot office)
    {
        state.Stage = SelectionStage.ConfirmInfo;
        state.Vin = vehicle.Vin;
        state.OfficeCode = office.Code;
        state.PlateKind = vehicle.PlateKind;
        state.Energy = vehicle.Energy;
        state.OwnerIdNumber = vehicle.OwnerIdNumber;
        state.Rules = office.Settings.Rules;
        state.EnteredAt = Now;
    }

    /// <summary>
    /// The person who makes a selection stays its applicant (the blacklist of a lapse is theirs): set at the first
    /// entry, and again only when the vehicle changed hands before anything was confirmed.
    /// </summary>
    private void NameApplicant(AccountRecord applicant)
    {
        if (state.ApplicantIdNumber is null)
        {
            state.ApplicantIdNumber = applicant.IdNumber;
            state.ApplicantUsername = applicant.Username;
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
        mode.ChecksBlacklist && blacklistedUntil is { } until && until > Now
            ? new PlateError(ErrorCodes.Blacklisted, $"您因逾期未办理换牌被列入黑名单，{OfficeCalendar.LocalDate(until):yyyy-MM-dd} 前不能网上预选号牌。") { Until = until }
            : null;

    private static PlateError? CheckEligibility(VehicleRecord vehicle) =>
        Eligibility.ReasonAgainst(vehicle) is { } reason
            ? new PlateError(ErrorCodes.NotEligible, Eligibility.Describe(reason)) { Reason = reason }
            : null;

    /// <summary>
    /// Confirms the vehicle and office information and accepts the current notice. The office's rules of this moment,
    /// the ones the accepted notice describes, are the rules of this selection to its end.
    /// </summary>
    public SelectionReply ConfirmInfo(string noticeVersion, OfficeSnapshot office)
    {
        var current = office.Notice;
        if (state.Stage != SelectionStage.ConfirmInfo)
        {
            return WrongStage("信息已确认。");
        }

        if (noticeVersion != current.Version)
        {
            return PlateError.Validation("noticeVersion", $"须阅读并同意当前版本的业务须知（{current.Version}）。");
        }

        Changed = true;
        state.Rules = office.Settings.Rules;
        state.NoticeVersion = noticeVersion;
        state.NoticeAcceptedAt = Now;
        state.Stage = SelectionStage.ServiceInfo;
        return View();
    }

    /// <summary>"Start selection" on the service explanation: on to identity verification.</summary>
    public SelectionReply Start()
    {
        if (state.Stage != SelectionStage.ServiceInfo)
        {
            return WrongStage("当前步骤不能开始选号。");
        }

        Changed = true;
        state.Stage = SelectionStage.VerifyIdentity;
        return View();
    }
}

using System.Text.Json;
using Npgsql;
using PlateOrleans.Baseline.Domain;
using PlateOrleans.Baseline.Http;
using static PlateOrleans.Baseline.Data.Database;

namespace PlateOrleans.Baseline.Selections;

/// <summary>One vehicle's formal selection: a row of <c>selections</c>, read with <c>FOR UPDATE</c> at the start of a step.</summary>
public sealed class SelectionRow
{
    public const string Columns = """
        vin, office_code, owner_id_number, applicant, stage, rules::text, plate_kind, energy, notice_version, notice_accepted_at,
        entered_at, draws_used, batch_number, batch_plates, batch_exclude_four, batch_expires_at, batch_backup_taken, backups,
        backups_expire_at, sms_code_hash, sms_expires_at, sms_resend_after, sms_confirm_enabled_at, sms_attempts_left, sms_used,
        selected_plate, confirmed_at, confirmed_by, exchange_by, voucher_code
        """;

    public required string Vin { get; init; }
    public required string OfficeCode { get; set; }
    public required string OwnerIdNumber { get; set; }
    public required string Applicant { get; set; }
    public required string Stage { get; set; }
    public required Rules Rules { get; set; }
    public required string PlateKind { get; set; }
    public required string Energy { get; set; }
    public string? NoticeVersion { get; set; }
    public DateTime? NoticeAcceptedAt { get; set; }
    public DateTime EnteredAt { get; set; }
    public int DrawsUsed { get; set; }
    public int? BatchNumber { get; set; }
    public string[]? BatchPlates { get; set; }
    public bool BatchExcludeFour { get; set; }
    public DateTime? BatchExpiresAt { get; set; }
    public bool BatchBackupTaken { get; set; }
    public List<string> Backups { get; set; } = [];
    public DateTime? BackupsExpireAt { get; set; }
    public string? SmsCodeHash { get; set; }
    public DateTime? SmsExpiresAt { get; set; }
    public DateTime? SmsResendAfter { get; set; }
    public DateTime? SmsConfirmEnabledAt { get; set; }
    public int SmsAttemptsLeft { get; set; }
    public bool SmsUsed { get; set; }
    public string? SelectedPlate { get; set; }
    public DateTime? ConfirmedAt { get; set; }
    public string? ConfirmedBy { get; set; }
    public DateOnly? ExchangeBy { get; set; }
    public string? VoucherCode { get; set; }

    public int RemainingDraws => Rules.DrawsPerVehicle - DrawsUsed;

    /// <summary>Past the information step and not finished.</summary>
    public bool InProgress => Stage is Stages.ServiceInfo or Stages.VerifyIdentity or Stages.Drawing;

    public static SelectionRow Read(NpgsqlDataReader r) => new()
    {
        Vin = r.GetString(0),
        OfficeCode = r.GetString(1),
        OwnerIdNumber = r.GetString(2),
        Applicant = r.GetString(3),
        Stage = r.GetString(4),
        Rules = JsonSerializer.Deserialize(r.GetString(5), BaselineJson.Wire.Rules)!,
        PlateKind = r.GetString(6),
        Energy = r.GetString(7),
        NoticeVersion = r.NullableString(8),
        NoticeAcceptedAt = r.Nullable<DateTime>(9),
        EnteredAt = r.GetDateTime(10),
        DrawsUsed = r.GetInt32(11),
        BatchNumber = r.Nullable<int>(12),
        BatchPlates = r.IsDBNull(13) ? null : r.GetFieldValue<string[]>(13),
        BatchExcludeFour = r.Nullable<bool>(14) ?? false,
        BatchExpiresAt = r.Nullable<DateTime>(15),
        BatchBackupTaken = r.Nullable<bool>(16) ?? false,
        Backups = [.. r.GetFieldValue<string[]>(17)],
        BackupsExpireAt = r.Nullable<DateTime>(18),
        SmsCodeHash = r.NullableString(19),
        SmsExpiresAt = r.Nullable<DateTime>(20),
        SmsResendAfter = r.Nullable<DateTime>(21),
        SmsConfirmEnabledAt = r.Nullable<DateTime>(22),
        SmsAttemptsLeft = r.Nullable<int>(23) ?? 0,
        SmsUsed = r.Nullable<bool>(24) ?? false,
        SelectedPlate = r.NullableString(25),
        ConfirmedAt = r.Nullable<DateTime>(26),
        ConfirmedBy = r.NullableString(27),
        ExchangeBy = r.Nullable<DateOnly>(28),
        VoucherCode = r.NullableString(29),
    };

    /// <summary>The statement that stores this row: an insert for a new selection, else an update of every column.</summary>
    public NpgsqlBatchCommand Save(bool insert, DateTime now)
    {
        var sql = insert
            ? $"""
              INSERT INTO selections ({Columns.Replace("::text", "", StringComparison.Ordinal)}, updated_at)
              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24,
                      $25, $26, $27, $28, $29, $30, $31)
              ON CONFLICT (vin) DO NOTHING
              """
            : """
              UPDATE selections SET office_code = $2, owner_id_number = $3, applicant = $4, stage = $5, rules = $6, plate_kind = $7,
                  energy = $8, notice_version = $9, notice_accepted_at = $10, entered_at = $11, draws_used = $12, batch_number = $13,
                  batch_plates = $14, batch_exclude_four = $15, batch_expires_at = $16, batch_backup_taken = $17, backups = $18,
                  backups_expire_at = $19, sms_code_hash = $20, sms_expires_at = $21, sms_resend_after = $22,
                  sms_confirm_enabled_at = $23, sms_attempts_left = $24, sms_used = $25, selected_plate = $26, confirmed_at = $27,
                  confirmed_by = $28, exchange_by = $29, voucher_code = $30, updated_at = $31
              WHERE vin = $1
              """;
        return Command(sql,
            P(Vin), P(OfficeCode), P(OwnerIdNumber), P(Applicant), P(Stage), Jsonb(JsonSerializer.Serialize(Rules, BaselineJson.Wire.Rules)),
            P(PlateKind), P(Energy), N(NoticeVersion), N(NoticeAcceptedAt), P(EnteredAt), P(DrawsUsed), N(BatchNumber),
            new NpgsqlParameter { Value = (object?)BatchPlates ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text },
            P(BatchExcludeFour), N(BatchExpiresAt), P(BatchBackupTaken), P(Backups.ToArray()), N(BackupsExpireAt), N(SmsCodeHash),
            N(SmsExpiresAt), N(SmsResendAfter), N(SmsConfirmEnabledAt), P(SmsAttemptsLeft), P(SmsUsed), N(SelectedPlate),
            N(ConfirmedAt), N(ConfirmedBy), N(ExchangeBy), N(VoucherCode), P(now));
    }

    /// <summary>The Selection view at <paramref name="now"/>: lapsed batches and backups read as null.</summary>
    public SelectionView View(DateTime now)
    {
        var selected = SelectedPlate is { } plate
            ? new SelectedView(plate, ConfirmedAt!.Value, ConfirmedBy!, ExchangeBy, VoucherCode, null, null)
            : null;
        var batch = BatchPlates is { } plates && BatchExpiresAt > now && selected is null
            ? new BatchView(BatchNumber!.Value, plates, BatchExcludeFour, BatchExpiresAt.Value, BatchBackupTaken)
            : null;
        var backups = Backups.Count > 0 && BackupsExpireAt > now && selected is null
            ? new BackupsView([.. Backups], BackupsExpireAt.Value)
            : null;
        return new SelectionView(Vin, OfficeCode, false, Stage, Rules.DrawsPerVehicle, Math.Max(0, RemainingDraws), batch, backups, selected, now, null);
    }
}

/// <summary>The stages of API.md, in order.</summary>
public static class Stages
{
    public const string ConfirmInfo = "confirmInfo";
    public const string ServiceInfo = "serviceInfo";
    public const string VerifyIdentity = "verifyIdentity";
    public const string Drawing = "drawing";
    public const string Completed = "completed";
    public const string Exchanged = "exchanged";
    public const string Lapsed = "lapsed";
}

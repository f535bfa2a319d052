using Npgsql;

namespace PlateOrleans.Baseline.Data;

/// <summary>
/// The one <see cref="NpgsqlDataSource"/> of the process: a bounded pool, statements prepared automatically after
/// their second use, no multiplexing (one command at a time per connection, the default: it measured no better here),
/// and PostgreSQL's default durable commits (<c>synchronous_commit</c> is left alone).
/// </summary>
public static class Database
{
    public static IServiceCollection AddBaselineDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("Baseline") ?? configuration["Baseline:ConnectionString"]
            ?? throw new InvalidOperationException("Set ConnectionStrings:Baseline (or Baseline__ConnectionString) to a PostgreSQL connection string.");
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase)
            && !connectionString.Contains("Max Pool Size", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxPoolSize = configuration.GetValue("Database:MaxPoolSize", 32);
        }

        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 128;
            builder.AutoPrepareMinUsages = 2;
        }

        // Connections go back to the pool without a DISCARD ALL round trip: the baseline sets no session state.
        builder.NoResetOnClose = true;
        services.AddSingleton(new NpgsqlDataSourceBuilder(builder.ConnectionString).Build());
        services.AddHostedService<SchemaInitializer>();
        return services;
    }

    public static NpgsqlParameter<T> P<T>(T value) => new() { TypedValue = value };

    /// <summary>A parameter that may be null (Npgsql wants DBNull, and PostgreSQL infers the type from the statement).</summary>
    public static NpgsqlParameter N(object? value) => new() { Value = value ?? DBNull.Value };

    public static NpgsqlParameter Jsonb(string json) => new() { Value = json, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb };

    public static NpgsqlBatchCommand Command(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    public static T? Nullable<T>(this NpgsqlDataReader reader, int ordinal) where T : struct =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<T>(ordinal);

    public static string? NullableString(this NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}

/// <summary>Creates the schema at start (idempotent; instances starting together take turns on an advisory lock).</summary>
public sealed class SchemaInitializer(NpgsqlDataSource db) : IHostedService
{
    public const string Schema = """
        SELECT pg_advisory_xact_lock(7007);

        CREATE TABLE IF NOT EXISTS accounts (
            username_key      text PRIMARY KEY,            -- lower-case: usernames compare without case
            username          text NOT NULL,
            password_hash     text NOT NULL,
            role              text NOT NULL CHECK (role IN ('admin', 'operator', 'citizen')),
            phone             text,
            user_type         text,
            office_code       text,
            id_number         text,
            blacklisted_until timestamptz,
            created_at        timestamptz NOT NULL);
        CREATE UNIQUE INDEX IF NOT EXISTS accounts_id_number ON accounts (id_number) WHERE id_number IS NOT NULL;

        CREATE TABLE IF NOT EXISTS offices (
            code           text PRIMARY KEY,
            name           text NOT NULL,
            prefix         text NOT NULL,
            province       text NOT NULL,
            opens_at       timestamptz,
            from_minute    int NOT NULL,
            to_minute      int NOT NULL,
            maintenance    boolean NOT NULL,
            cross_region   boolean NOT NULL,
            rules          jsonb NOT NULL,
            locations      jsonb NOT NULL,
            notice_version text NOT NULL,
            notice_text    text NOT NULL,
            publication    jsonb NOT NULL DEFAULT '[]',
            updated_at     timestamptz NOT NULL);

        CREATE TABLE IF NOT EXISTS vehicles (
            vin             text PRIMARY KEY,
            office_code     text NOT NULL REFERENCES offices (code),
            current_plate   text NOT NULL,
            plate_kind      text NOT NULL,
            energy          text NOT NULL,
            owner_id_number text NOT NULL,
            owner_phone     text);
        CREATE INDEX IF NOT EXISTS vehicles_owner ON vehicles (owner_id_number);

        -- Every number of every published pool is a row; a hold is the row's held_by and hold_expires_at, and a hold
        -- whose moment passed counts as available without anyone sweeping it.
        CREATE TABLE IF NOT EXISTS plates (
            office_code     text NOT NULL,
            plate           text NOT NULL,
            plate_kind      text NOT NULL,
            energy_letter   text NOT NULL,
            random_key      bigint NOT NULL,
            has_four        boolean NOT NULL,
            state           text NOT NULL DEFAULT 'available' CHECK (state IN ('available', 'held', 'reserved', 'issued')),
            held_by         text,
            hold_expires_at timestamptz,
            PRIMARY KEY (office_code, plate));
        CREATE INDEX IF NOT EXISTS plates_draw ON plates (office_code, plate_kind, energy_letter, random_key)
            WHERE state IN ('available', 'held');

        CREATE TABLE IF NOT EXISTS selections (
            vin                    text PRIMARY KEY,
            office_code            text NOT NULL,
            owner_id_number        text NOT NULL,
            applicant              text NOT NULL,
            stage                  text NOT NULL,
            rules                  jsonb NOT NULL,
            plate_kind             text NOT NULL,
            energy                 text NOT NULL,
            notice_version         text,
            notice_accepted_at     timestamptz,
            entered_at             timestamptz NOT NULL,
            draws_used             int NOT NULL,
            batch_number           int,
            batch_plates           text[],
            batch_exclude_four     boolean,
            batch_expires_at       timestamptz,
            batch_backup_taken     boolean,
            backups                text[] NOT NULL,
            backups_expire_at      timestamptz,
            sms_code_hash          text,
            sms_expires_at         timestamptz,
            sms_resend_after       timestamptz,
            sms_confirm_enabled_at timestamptz,
            sms_attempts_left      int,
            sms_used               boolean,
            selected_plate         text,
            confirmed_at           timestamptz,
            confirmed_by           text,
            exchange_by            date,
            voucher_code           text,
            updated_at             timestamptz NOT NULL);

        -- One number to one vehicle, one number per vehicle: the database says no to anything else.
        CREATE TABLE IF NOT EXISTS reservations (
            office_code  text NOT NULL,
            plate        text NOT NULL,
            vin          text NOT NULL UNIQUE,
            confirmed_by text NOT NULL,
            reserved_at  timestamptz NOT NULL,
            exchange_by  date NOT NULL,
            voucher_code text NOT NULL,
            exchanged_at timestamptz,
            PRIMARY KEY (office_code, plate));

        CREATE TABLE IF NOT EXISTS idempotent_replies (
            vin         text NOT NULL,
            key         text NOT NULL,
            request     text NOT NULL,
            status      int NOT NULL,
            body        text NOT NULL,
            is_problem  boolean NOT NULL,
            retry_after int,
            created_at  timestamptz NOT NULL,
            PRIMARY KEY (vin, key));

        CREATE TABLE IF NOT EXISTS audit (
            id          bigserial PRIMARY KEY,
            at          timestamptz NOT NULL,
            kind        text NOT NULL,
            vin         text NOT NULL,
            office_code text NOT NULL,
            actor       text,
            plates      text[] NOT NULL);
        CREATE INDEX IF NOT EXISTS audit_vin ON audit (vin, id);

        CREATE TABLE IF NOT EXISTS sms_outbox (
            id      bigserial PRIMARY KEY,
            phone   text NOT NULL,
            text    text NOT NULL,
            sent_at timestamptz NOT NULL);
        CREATE INDEX IF NOT EXISTS sms_outbox_phone ON sms_outbox (phone, id DESC);
        """;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(Schema, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

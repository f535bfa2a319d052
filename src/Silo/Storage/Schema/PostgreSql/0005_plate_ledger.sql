-- The plate ledger: every reserved and issued number. A row is live until released_at is set. The two partial
-- unique indexes are the last guard against a double assignment, whatever the grains believe: one live row per
-- (office, plate) and one live row per VIN.
CREATE TABLE plate_ledger
(
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    office_code  text        NOT NULL,
    plate        text        NOT NULL,
    vin          text        NOT NULL,
    chosen_by    text        NOT NULL CHECK (chosen_by IN ('user', 'auto')),
    reserved_at  timestamptz NOT NULL,
    exchange_by  date        NOT NULL,
    exchanged_at timestamptz NULL,
    released_at  timestamptz NULL
);

CREATE UNIQUE INDEX ux_plate_ledger_live_plate ON plate_ledger (office_code, plate) WHERE released_at IS NULL;
CREATE UNIQUE INDEX ux_plate_ledger_live_vin ON plate_ledger (vin) WHERE released_at IS NULL;
-- Operators list the rows of an office oldest first; the history of a vehicle is read by VIN.
CREATE INDEX ix_plate_ledger_office ON plate_ledger (office_code, reserved_at);
CREATE INDEX ix_plate_ledger_vin ON plate_ledger (vin);

-- The audit trail of draws, backups, confirmations, releases and exchanges. Append-only: the trigger refuses
-- updates and deletes, so an answer to a dispute cannot have been edited afterwards.
CREATE TABLE plate_audit
(
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL,
    kind        text        NOT NULL,
    vin         text        NOT NULL,
    office_code text        NOT NULL,
    actor       text        NULL,
    plates      text        NOT NULL, -- a JSON array of plate numbers
    detail      text        NULL
);

CREATE INDEX ix_plate_audit_vin ON plate_audit (vin, at);

CREATE FUNCTION plate_audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    RAISE EXCEPTION 'plate_audit is append-only';
END
$body$;

CREATE TRIGGER tr_plate_audit_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON plate_audit
    FOR EACH STATEMENT EXECUTE FUNCTION plate_audit_is_append_only();

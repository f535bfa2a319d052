-- The plate ledger: every reserved and issued number. A row is live until released_at is set. The two partial
-- unique indexes are the last guard against a double assignment: one live row per (office, plate) and one per VIN.
-- Times are UTC text in one fixed-width ISO 8601 form (yyyy-MM-ddTHH:mm:ss.fffffffZ), so text order is time order;
-- exchange_by is a date, yyyy-MM-dd.
CREATE TABLE plate_ledger
(
    id           INTEGER PRIMARY KEY,
    office_code  TEXT NOT NULL,
    plate        TEXT NOT NULL,
    vin          TEXT NOT NULL,
    chosen_by    TEXT NOT NULL CHECK (chosen_by IN ('user', 'auto')),
    reserved_at  TEXT NOT NULL,
    exchange_by  TEXT NOT NULL,
    exchanged_at TEXT NULL,
    released_at  TEXT NULL
);

CREATE UNIQUE INDEX ux_plate_ledger_live_plate ON plate_ledger (office_code, plate) WHERE released_at IS NULL;
CREATE UNIQUE INDEX ux_plate_ledger_live_vin ON plate_ledger (vin) WHERE released_at IS NULL;
-- Operators list the rows of an office oldest first; the history of a vehicle is read by VIN.
CREATE INDEX ix_plate_ledger_office ON plate_ledger (office_code, reserved_at);
CREATE INDEX ix_plate_ledger_vin ON plate_ledger (vin);

-- The audit trail. Append-only: the triggers refuse updates and deletes.
CREATE TABLE plate_audit
(
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    vin         TEXT NOT NULL,
    office_code TEXT NOT NULL,
    actor       TEXT NULL,
    plates      TEXT NOT NULL, -- a JSON array of plate numbers
    detail      TEXT NULL
);

CREATE INDEX ix_plate_audit_vin ON plate_audit (vin, at);

CREATE TRIGGER tr_plate_audit_no_update BEFORE UPDATE ON plate_audit
BEGIN
    SELECT RAISE(ABORT, 'plate_audit is append-only');
END;

CREATE TRIGGER tr_plate_audit_no_delete BEFORE DELETE ON plate_audit
BEGIN
    SELECT RAISE(ABORT, 'plate_audit is append-only');
END;

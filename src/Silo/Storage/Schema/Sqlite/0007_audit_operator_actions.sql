-- Operators' actions join the audit trail (office settings, pool publication, vehicle import, accounts, blacklist):
-- they concern no vehicle, and an action on an admin's account no office, so vin and office_code become optional.
-- SQLite cannot drop a NOT NULL in place: the table is rebuilt as its documentation says (create the new one, copy the
-- rows with their ids, drop the old one, rename), with its indexes and its append-only triggers, in this script's
-- transaction. The triggers go first, so that nothing of the copy counts as an update or a delete.
CREATE TABLE plate_audit_next
(
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    vin         TEXT NULL,
    office_code TEXT NULL,
    actor       TEXT NULL,
    plates      TEXT NOT NULL, -- a JSON array of plate numbers
    detail      TEXT NULL
);

INSERT INTO plate_audit_next (id, at, kind, vin, office_code, actor, plates, detail)
SELECT id, at, kind, vin, office_code, actor, plates, detail FROM plate_audit ORDER BY id;

DROP TRIGGER tr_plate_audit_no_update;
DROP TRIGGER tr_plate_audit_no_delete;
DROP TABLE plate_audit;
ALTER TABLE plate_audit_next RENAME TO plate_audit;

CREATE INDEX ix_plate_audit_vin ON plate_audit (vin, at);
-- Operators read their office's trail and admins a person's actions, newest first.
CREATE INDEX ix_plate_audit_office ON plate_audit (office_code, at);
CREATE INDEX ix_plate_audit_actor ON plate_audit (actor, at);

CREATE TRIGGER tr_plate_audit_no_update BEFORE UPDATE ON plate_audit
BEGIN
    SELECT RAISE(ABORT, 'plate_audit is append-only');
END;

CREATE TRIGGER tr_plate_audit_no_delete BEFORE DELETE ON plate_audit
BEGIN
    SELECT RAISE(ABORT, 'plate_audit is append-only');
END;

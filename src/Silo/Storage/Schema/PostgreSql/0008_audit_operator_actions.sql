-- Operators' actions join the audit trail (office settings, pool publication, vehicle import, accounts, blacklist):
-- they concern no vehicle, and an action on an admin's account no office, so vin and office_code become optional.
-- Dropping a NOT NULL changes no row: the append-only trigger does not fire.
ALTER TABLE plate_audit
    ALTER COLUMN vin DROP NOT NULL,
    ALTER COLUMN office_code DROP NOT NULL;

-- Operators read their office's trail and admins a person's actions, newest first.
CREATE INDEX ix_plate_audit_office ON plate_audit (office_code, at);
CREATE INDEX ix_plate_audit_actor ON plate_audit (actor, at);

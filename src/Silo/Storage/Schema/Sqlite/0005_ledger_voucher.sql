-- The pre-selection voucher (预选号凭证) of a reservation, so that the window can find the number by the code the
-- applicant shows (12 random characters of 32: never guessed, never repeated in practice). Rows written before
-- this column have none.
ALTER TABLE plate_ledger ADD COLUMN voucher_code TEXT NULL;

CREATE INDEX ix_plate_ledger_voucher ON plate_ledger (office_code, voucher_code) WHERE voucher_code IS NOT NULL;

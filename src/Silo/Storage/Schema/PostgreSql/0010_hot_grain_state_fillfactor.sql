-- A selection's row is rewritten on every step (a dozen times in its first minutes). With pages filled to the brim,
-- the new version of a row rarely fits on its page, so each write also adds an entry to the primary key's index and
-- leaves more for vacuum. Pages kept 30% free let PostgreSQL put the new version beside the old one (a HOT update:
-- no index entry, the old version pruned on the next visit). Applies to pages written from now on.
ALTER TABLE hot_grain_state SET (fillfactor = 70);

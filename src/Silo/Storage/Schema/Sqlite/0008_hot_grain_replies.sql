-- The answers kept for replay by Idempotency-Key of the states in hot_grain_state (most of a selection's bytes): one
-- row each, written once in the same transaction as the state that gives it, deleted when the state forgets it or is
-- cleared. The state's own row no longer carries them, so each step rewrites a small row and adds one.
CREATE TABLE hot_grain_replies
(
    service_id TEXT NOT NULL,
    state_name TEXT NOT NULL,
    grain_id   TEXT NOT NULL,
    reply_key  TEXT NOT NULL,
    payload    BLOB NOT NULL,
    PRIMARY KEY (service_id, state_name, grain_id, reply_key)
);

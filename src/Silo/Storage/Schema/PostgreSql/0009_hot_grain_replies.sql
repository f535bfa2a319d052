-- The answers kept for replay by Idempotency-Key of the states in hot_grain_state (most of a selection's bytes, which
-- made its row large enough to be compressed and moved out of line on every write): one row each, written once in the
-- same statement as the state that gives it, deleted when the state forgets it or is cleared. The state's own row no
-- longer carries them, so each step rewrites a small row and adds one.
CREATE TABLE hot_grain_replies
(
    service_id text  NOT NULL,
    state_name text  NOT NULL,
    grain_id   text  NOT NULL,
    reply_key  text  NOT NULL,
    payload    bytea NOT NULL,
    PRIMARY KEY (service_id, state_name, grain_id, reply_key)
);

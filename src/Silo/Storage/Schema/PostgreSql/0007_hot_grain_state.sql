-- State of the grains that write on every step (selections), written by GroupCommitGrainStorage in groups: many
-- grains' writes in one statement. Apart from orleans_grain_state because that provider's identity is its own key
-- packing (two halves and an extension, computed inside Orleans); here a grain is its GrainId as text, which both
-- the provider and a person at a psql prompt can read.
-- version is the ETag: a write must name the version it read (NULL: "never written"), and bumps it; a clear keeps
-- the row with a NULL payload and bumps it too, so a writer holding an older version still conflicts afterwards.
CREATE TABLE hot_grain_state
(
    service_id  text        NOT NULL,
    state_name  text        NOT NULL,
    grain_id    text        NOT NULL,
    payload     bytea       NULL,
    version     integer     NOT NULL,
    modified_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, state_name, grain_id)
);

-- State of the grains that write on every step (selections), written by GroupCommitGrainStorage: one writer
-- connection commits many grains' writes in one transaction. Same shape as the PostgreSQL table: a grain is its
-- GrainId as text; version is the ETag; a clear keeps the row with a NULL payload and bumps the version.
CREATE TABLE hot_grain_state
(
    service_id  TEXT    NOT NULL,
    state_name  TEXT    NOT NULL,
    grain_id    TEXT    NOT NULL,
    payload     BLOB    NULL,
    version     INTEGER NOT NULL,
    modified_at TEXT    NOT NULL, -- UTC, ISO 8601
    PRIMARY KEY (service_id, state_name, grain_id)
);

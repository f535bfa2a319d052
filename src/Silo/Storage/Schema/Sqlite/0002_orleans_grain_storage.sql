-- Grain state for the ADO.NET grain storage provider. Same identity as the PostgreSQL schema: service id, state
-- name (@GrainTypeString), the two key halves, and grain_key_ext = a plus sign and the extension, or the empty string
-- when the provider sends NULL, so that the identity is a plain primary key and an upsert target.
CREATE TABLE orleans_grain_state
(
    service_id    TEXT    NOT NULL,
    state_name    TEXT    NOT NULL,
    grain_key_n0  INTEGER NOT NULL,
    grain_key_n1  INTEGER NOT NULL,
    grain_key_ext TEXT    NOT NULL,
    payload       BLOB    NULL,
    version       INTEGER NOT NULL,
    modified_at   TEXT    NOT NULL, -- UTC, ISO 8601
    PRIMARY KEY (service_id, state_name, grain_key_n0, grain_key_n1, grain_key_ext)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
SELECT payload AS PayloadBinary, version AS Version
FROM orleans_grain_state
WHERE service_id = @ServiceId
  AND state_name = @GrainTypeString
  AND grain_key_n0 = @GrainIdN0
  AND grain_key_n1 = @GrainIdN1
  AND grain_key_ext = COALESCE(''+'' || @GrainIdExtensionString, '''')
');

-- One upsert: a NULL @GrainStateVersion may only insert (an existing row makes the WHERE of the update false); a
-- version may only update the row holding exactly that version (the WHERE of the SELECT stops an insert when the
-- row is missing). changes() then tells whether it happened: always one row, the new version or the version sent
-- (NULL included), which the provider turns into an InconsistentStateException.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
INSERT INTO orleans_grain_state (service_id, state_name, grain_key_n0, grain_key_n1, grain_key_ext, payload, version, modified_at)
SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(''+'' || @GrainIdExtensionString, ''''), @PayloadBinary, 1,
       strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
WHERE @GrainStateVersion IS NULL
   OR EXISTS (SELECT 1 FROM orleans_grain_state
              WHERE service_id = @ServiceId
                AND state_name = @GrainTypeString
                AND grain_key_n0 = @GrainIdN0
                AND grain_key_n1 = @GrainIdN1
                AND grain_key_ext = COALESCE(''+'' || @GrainIdExtensionString, '''')
                AND version = @GrainStateVersion)
ON CONFLICT (service_id, state_name, grain_key_n0, grain_key_n1, grain_key_ext) DO UPDATE
SET payload = excluded.payload, version = orleans_grain_state.version + 1, modified_at = excluded.modified_at
WHERE orleans_grain_state.version = @GrainStateVersion;

SELECT CASE WHEN changes() > 0 THEN COALESCE(@GrainStateVersion + 1, 1) ELSE @GrainStateVersion END AS NewGrainStateVersion;
');

-- Clearing keeps the row (payload NULL) and bumps the version, so a stale writer still conflicts afterwards.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
UPDATE orleans_grain_state
SET payload = NULL, version = version + 1, modified_at = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
WHERE service_id = @ServiceId
  AND state_name = @GrainTypeString
  AND grain_key_n0 = @GrainIdN0
  AND grain_key_n1 = @GrainIdN1
  AND grain_key_ext = COALESCE(''+'' || @GrainIdExtensionString, '''')
  AND version = @GrainStateVersion;

SELECT CASE WHEN changes() > 0 THEN @GrainStateVersion + 1 ELSE @GrainStateVersion END AS NewGrainStateVersion;
');

-- Used instead of ClearStorageKey when DeleteStateOnClear is set.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', '
DELETE FROM orleans_grain_state
WHERE service_id = @ServiceId
  AND state_name = @GrainTypeString
  AND grain_key_n0 = @GrainIdN0
  AND grain_key_n1 = @GrainIdN1
  AND grain_key_ext = COALESCE(''+'' || @GrainIdExtensionString, '''')
  AND version = @GrainStateVersion;

SELECT CASE WHEN changes() > 0 THEN @GrainStateVersion + 1 ELSE @GrainStateVersion END AS NewGrainStateVersion;
');

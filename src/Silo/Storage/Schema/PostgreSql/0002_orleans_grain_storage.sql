-- Grain state for the ADO.NET grain storage provider.
--
-- Identity: the provider sends the service id, the state name (as @GrainTypeString: the grain class is not part of
-- it, so state names must be unique across grain classes), two 64-bit halves of the key and an optional extension
-- string. A key that reads as a hexadecimal integer or a 32-digit Guid (optionally followed by a plus sign and an
-- extension) arrives in the halves, with the extension as the string; any other key arrives as halves 0, 0 and the
-- whole key as the string.
-- grain_key_ext holds a plus sign and the extension, or the empty string when the provider sends NULL: a NOT NULL
-- column keeps the identity a plain primary key (index lookups, ON CONFLICT) without confusing a NULL extension with
-- an empty one.
-- The hash parameters the provider also sends only serve the narrow index of the reference scripts; this schema does not
-- need them.
CREATE TABLE orleans_grain_state
(
    service_id    text        NOT NULL,
    state_name    text        NOT NULL,
    grain_key_n0  bigint      NOT NULL,
    grain_key_n1  bigint      NOT NULL,
    grain_key_ext text        NOT NULL,
    payload       bytea       NULL,
    version       integer     NOT NULL,
    modified_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, state_name, grain_key_n0, grain_key_n1, grain_key_ext)
);

-- Returns the payload and its version (the ETag), or no row when the state was never written.
INSERT INTO orleansquery (querykey, querytext) VALUES ('ReadFromStorageKey', $sql$
SELECT payload AS PayloadBinary, version AS Version
FROM orleans_grain_state
WHERE service_id = @ServiceId
  AND state_name = @GrainTypeString
  AND grain_key_n0 = @GrainIdN0
  AND grain_key_n1 = @GrainIdN1
  AND grain_key_ext = COALESCE('+' || @GrainIdExtensionString, '')
$sql$);

-- Optimistic concurrency: a NULL @GrainStateVersion means "never written", so only an insert may succeed; otherwise
-- only an update of exactly that version may. Always one row: the new version on success, else the version sent
-- (NULL included), which the provider turns into an InconsistentStateException.
INSERT INTO orleansquery (querykey, querytext) VALUES ('WriteToStorageKey', $sql$
WITH updated AS
(
    UPDATE orleans_grain_state
    SET payload = @PayloadBinary, version = version + 1, modified_at = now()
    WHERE @GrainStateVersion IS NOT NULL
      AND service_id = @ServiceId
      AND state_name = @GrainTypeString
      AND grain_key_n0 = @GrainIdN0
      AND grain_key_n1 = @GrainIdN1
      AND grain_key_ext = COALESCE('+' || @GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version
),
inserted AS
(
    INSERT INTO orleans_grain_state (service_id, state_name, grain_key_n0, grain_key_n1, grain_key_ext, payload, version)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE('+' || @GrainIdExtensionString, ''), @PayloadBinary, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version
)
SELECT COALESCE((SELECT version FROM updated), (SELECT version FROM inserted), @GrainStateVersion) AS NewGrainStateVersion
$sql$);

-- Clearing keeps the row (payload NULL) and bumps the version, so a stale writer still conflicts afterwards.
INSERT INTO orleansquery (querykey, querytext) VALUES ('ClearStorageKey', $sql$
WITH cleared AS
(
    UPDATE orleans_grain_state
    SET payload = NULL, version = version + 1, modified_at = now()
    WHERE service_id = @ServiceId
      AND state_name = @GrainTypeString
      AND grain_key_n0 = @GrainIdN0
      AND grain_key_n1 = @GrainIdN1
      AND grain_key_ext = COALESCE('+' || @GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version
)
SELECT COALESCE((SELECT version FROM cleared), @GrainStateVersion) AS NewGrainStateVersion
$sql$);

-- Used instead of ClearStorageKey when DeleteStateOnClear is set. Success answers a value other than the version
-- sent (the provider then forgets the ETag); a mismatch answers the version sent.
INSERT INTO orleansquery (querykey, querytext) VALUES ('DeleteStorageKey', $sql$
WITH deleted AS
(
    DELETE FROM orleans_grain_state
    WHERE service_id = @ServiceId
      AND state_name = @GrainTypeString
      AND grain_key_n0 = @GrainIdN0
      AND grain_key_n1 = @GrainIdN1
      AND grain_key_ext = COALESCE('+' || @GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version
)
SELECT COALESCE((SELECT version + 1 FROM deleted), @GrainStateVersion) AS NewGrainStateVersion
$sql$);

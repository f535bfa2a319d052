-- A group of state writes in one call: for each write in order, its state row (the first write inserts it, a later one
-- must name the version it replaces, a NULL payload clears it) and, only if that landed, the replies it keeps apart
-- (added or replaced; forgotten by key; all of them when cleared). Answers one row per write, in order: the version
-- written, or NULL and the version stored (NULL: none) for a write that did not land.
-- One statement over arrays did the same, but PostgreSQL planned it for each call (a third of its time) because its
-- generic plan, costed for arrays of unknown length, scanned the whole table; the statements here are primary-key
-- lookups, whose plan PL/pgSQL keeps for the session. Each sees what the writes before it in the call did, so a state
-- written twice in one call is written in order.
CREATE FUNCTION hot_grain_write(
    p_service_id        text,
    p_state_names       text[],
    p_grain_ids         text[],
    p_payloads          bytea[],
    p_expected          integer[],
    p_added_positions   bigint[],
    p_added_keys        text[],
    p_added_payloads    bytea[],
    p_dropped_positions bigint[],
    p_dropped_keys      text[])
    RETURNS TABLE (written integer, stored integer)
    LANGUAGE plpgsql
AS
$$
DECLARE
    v_at      integer;
    v_version integer;
BEGIN
    FOR v_at IN 1 .. coalesce(array_length(p_state_names, 1), 0)
        LOOP
            v_version := NULL;
            IF p_expected[v_at] IS NULL THEN
                INSERT INTO hot_grain_state (service_id, state_name, grain_id, payload, version)
                VALUES (p_service_id, p_state_names[v_at], p_grain_ids[v_at], p_payloads[v_at], 1)
                ON CONFLICT DO NOTHING
                RETURNING hot_grain_state.version INTO v_version;
            ELSE
                UPDATE hot_grain_state AS s
                SET payload = p_payloads[v_at], version = s.version + 1, modified_at = now()
                WHERE s.service_id = p_service_id AND s.state_name = p_state_names[v_at] AND s.grain_id = p_grain_ids[v_at]
                  AND s.version = p_expected[v_at]
                RETURNING s.version INTO v_version;
            END IF;

            IF v_version IS NULL THEN
                written := NULL;
                SELECT s.version INTO stored
                FROM hot_grain_state AS s
                WHERE s.service_id = p_service_id AND s.state_name = p_state_names[v_at] AND s.grain_id = p_grain_ids[v_at];
                RETURN NEXT;
                CONTINUE;
            END IF;

            IF p_payloads[v_at] IS NULL THEN
                DELETE FROM hot_grain_replies AS r
                WHERE r.service_id = p_service_id AND r.state_name = p_state_names[v_at] AND r.grain_id = p_grain_ids[v_at];
            ELSIF v_at = ANY (p_dropped_positions) THEN
                DELETE FROM hot_grain_replies AS r
                WHERE r.service_id = p_service_id AND r.state_name = p_state_names[v_at] AND r.grain_id = p_grain_ids[v_at]
                  AND r.reply_key IN (SELECT d.reply_key
                                      FROM unnest(p_dropped_positions, p_dropped_keys) AS d (position, reply_key)
                                      WHERE d.position = v_at);
            END IF;

            IF v_at = ANY (p_added_positions) THEN
                INSERT INTO hot_grain_replies AS r (service_id, state_name, grain_id, reply_key, payload)
                SELECT p_service_id, p_state_names[v_at], p_grain_ids[v_at], a.reply_key, a.payload
                FROM unnest(p_added_positions, p_added_keys, p_added_payloads) AS a (position, reply_key, payload)
                WHERE a.position = v_at
                ON CONFLICT (service_id, state_name, grain_id, reply_key) DO UPDATE SET payload = excluded.payload;
            END IF;

            written := v_version;
            stored := NULL;
            RETURN NEXT;
        END LOOP;
END
$$;

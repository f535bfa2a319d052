using Npgsql;
using static PlateOrleans.Baseline.Data.Database;

namespace PlateOrleans.Baseline.Selections;

/// <summary>
/// The number rows a selection step touches, inside the step's transaction. A draw takes rows with
/// <c>FOR UPDATE SKIP LOCKED</c> from a random point of the random-key index (wrapping around), so concurrent draws never
/// wait for each other; releases skip locked rows too (a locked row is being taken by someone else anyway), so no two
/// steps can wait on each other in a cycle.
/// </summary>
public sealed class PlateRows(NpgsqlConnection connection, NpgsqlTransaction transaction, string officeCode, string vin)
{
    private const string DrawFrom = """
        WITH picked AS (
            SELECT plate FROM plates
            WHERE office_code = $1 AND plate_kind = $2 AND energy_letter = $3 AND state IN ('available', 'held')
              AND random_key >= $4 AND (state = 'available' OR hold_expires_at <= $5) AND (NOT $6 OR NOT has_four)
            ORDER BY random_key LIMIT $7
            FOR UPDATE SKIP LOCKED)
        UPDATE plates p SET state = 'held', held_by = $8, hold_expires_at = $9
        FROM picked WHERE p.office_code = $1 AND p.plate = picked.plate
        RETURNING p.plate, p.random_key
        """;

    private static readonly string _drawBefore = DrawFrom.Replace("random_key >= $4", "random_key < $4", StringComparison.Ordinal);

    /// <summary>
    /// Holds up to <paramref name="count"/> distinct available numbers of the vehicle's series, from the first energy
    /// letter (in opening order) that has any, until <paramref name="holdUntil"/>.
    /// </summary>
    public async Task<string[]> DrawAsync(string plateKind, string letters, int count, bool excludeFour, DateTime holdUntil, DateTime now)
    {
        var drawn = new List<(string Plate, long Key)>(count);
        foreach (var letter in letters)
        {
            var start = RandomKey();
            foreach (var sql in new[] { DrawFrom, _drawBefore })
            {
                if (drawn.Count == count)
                {
                    break;
                }

                var before = drawn.Count;
                await using var command = new NpgsqlCommand(sql, connection, transaction);
                command.Parameters.AddRange((NpgsqlParameter[])[P(officeCode), P(plateKind), P(letter.ToString()), P(start), P(now), P(excludeFour),
                    P(count - drawn.Count), P(vin), P(holdUntil)]);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    drawn.Add((reader.GetString(0), reader.GetInt64(1)));
                }

                // In key order from the starting point: the order the index gave them.
                drawn.Sort(before, drawn.Count - before, Comparer<(string, long)>.Create((a, b) => a.Item2.CompareTo(b.Item2)));
            }
        }

        return [.. drawn.Select(d => d.Plate)];
    }

    /// <summary>A cryptographically random key, as the numbers' keys are: where a draw starts in the index.</summary>
    public static long RandomKey()
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        return System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(bytes);
    }

    /// <summary>Holds numbers for this vehicle until a moment: extends its holds, takes back lapsed ones still free; answers those held.</summary>
    public async Task<HashSet<string>> HoldAsync(IReadOnlyCollection<string> plates, DateTime until, DateTime now)
    {
        var held = new HashSet<string>();
        if (plates.Count == 0)
        {
            return held;
        }

        await using var command = new NpgsqlCommand("""
            UPDATE plates SET state = 'held', held_by = $3, hold_expires_at = $4
            WHERE office_code = $1 AND plate = ANY($2)
              AND (state = 'available' OR (state = 'held' AND (held_by = $3 OR hold_expires_at <= $5)))
            RETURNING plate
            """, connection, transaction);
        command.Parameters.AddRange((NpgsqlParameter[])[P(officeCode), P(plates.ToArray()), P(vin), P(until), P(now)]);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            held.Add(reader.GetString(0));
        }

        return held;
    }

    /// <summary>
    /// The statement that gives back this vehicle's holds on these numbers. It needs no answer, so the step sends it
    /// with its final writes rather than in a round trip of its own.
    /// </summary>
    public NpgsqlBatchCommand Release(IReadOnlyCollection<string> plates) => Command("""
        UPDATE plates p SET state = 'available', held_by = NULL, hold_expires_at = NULL
        FROM (SELECT plate FROM plates WHERE office_code = $1 AND plate = ANY($2) AND state = 'held' AND held_by = $3
              FOR UPDATE SKIP LOCKED) r
        WHERE p.office_code = $1 AND p.plate = r.plate
        """, P(officeCode), P(plates.ToArray()), P(vin));

    /// <summary>
    /// Reserves a number for this vehicle if it is still its own (or free), and records the reservation; false when
    /// someone else has it. The reservations table's keys refuse a second vehicle for a number and a second number for a vehicle.
    /// </summary>
    public async Task<bool> ReserveAsync(string plate, string by, DateTime now, DateOnly exchangeBy, string voucherCode)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Command("""
            UPDATE plates SET state = 'reserved', held_by = $3, hold_expires_at = NULL
            WHERE office_code = $1 AND plate = $2
              AND (state = 'available' OR (state = 'held' AND (held_by = $3 OR hold_expires_at <= $4)))
            """, P(officeCode), P(plate), P(vin), P(now)));
        batch.BatchCommands.Add(Command("""
            INSERT INTO reservations (office_code, plate, vin, confirmed_by, reserved_at, exchange_by, voucher_code)
            SELECT $1, $2, $3, $4, $5, $6, $7 FROM plates
            WHERE office_code = $1 AND plate = $2 AND state = 'reserved' AND held_by = $3
            """, P(officeCode), P(plate), P(vin), P(by), P(now), P(exchangeBy), P(voucherCode)));
        await batch.ExecuteNonQueryAsync();
        return batch.BatchCommands[1].RecordsAffected == 1;
    }
}

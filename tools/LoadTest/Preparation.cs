using System.Globalization;
using PlateOrleans.Grains.Identity;

namespace PlateOrleans.LoadTest;

/// <summary>A registered, signed-in citizen with one eligible car at the run's office.</summary>
public sealed record Applicant(string Username, string Token, string Phone, string Vin);

/// <summary>
/// What exists before opening day: the office with its published pool, and the applicants with their tokens and
/// imported cars. Not part of the surge: password hashing makes registration and sign-in deliberately slow.
/// </summary>
public sealed class Preparation(LoadApi api, LoadOptions options)
{
    private const string Password = "Load-Passw0rd";
    private const int ImportChunk = 500;

    // Names, phones, ID numbers and VINs of this run, unlike those of any earlier run against the same database.
    private readonly string _run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
    private readonly int _birthDayOffset = Random.Shared.Next(0, 9000);
    private readonly int _phoneBlock = Random.Shared.Next(0, 100);
    private int _prepared;

    public async Task<string> AdminTokenAsync()
    {
        var token = await api.SendAsync("POST /auth/token", HttpMethod.Post, "/api/v1/auth/token", 200, body: new
        {
            username = options.AdminUsername,
            password = options.AdminPassword,
        });
        return token.GetProperty("accessToken").GetString()!;
    }

    /// <summary>Creates (or replaces) the office: open all day, the SMS countdown of the options, 100,000 small D numbers.</summary>
    public async Task CreateOfficeAsync(string adminToken)
    {
        var office = $"/api/v1/admin/offices/{options.Office}";
        var body = new
        {
            name = $"压力测试车管所{options.Office}",
            prefix = "冀A",
            province = "冀",
            hours = new { from = "00:00", to = "24:00" },
            crossRegion = true,
            rules = new { smsConfirmDelaySeconds = options.SmsDelaySeconds },
            locations = new[] { new { id = "main", name = "本所", slots = new[] { new { slot = "09:00-10:00", capacity = 1000 } } } },
        };
        try
        {
            await api.SendAsync("PUT /admin/offices/{code}", HttpMethod.Put, office, 201, adminToken, body);
        }
        catch (UnexpectedAnswerException e) when (e.Status == 200)
        {
            // It existed already: replaced, which is as good.
        }

        await api.SendAsync("PUT /admin/offices/{code}/pool", HttpMethod.Put, $"{office}/pool", 200, adminToken, new
        {
            series = new[] { new { plateKind = "small", energyLetter = "D", blocks = Enumerable.Range(0, 10).Select(d => $"D{d}####").ToArray() } },
        });
    }

    /// <summary>Registers and signs in <paramref name="count"/> citizens, and imports a car for each.</summary>
    public async Task<IReadOnlyList<Applicant>> ApplicantsAsync(string adminToken, int count)
    {
        var people = Enumerable.Range(_prepared, count).Select(NewPerson).ToList();
        _prepared += count;
        var tokens = new string[people.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, people.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.SetupParallelism },
            async (i, _) =>
            {
                var p = people[i];
                await api.SendAsync("POST /auth/register", HttpMethod.Post, "/api/v1/auth/register", 201, body: new
                {
                    username = p.Username,
                    password = Password,
                    phone = p.Phone,
                    userType = "owner",
                    officeCode = options.Office,
                    idNumber = p.IdNumber,
                });
                var token = await api.SendAsync("POST /auth/token", HttpMethod.Post, "/api/v1/auth/token", 200, body: new { username = p.Username, password = Password });
                tokens[i] = token.GetProperty("accessToken").GetString()!;
            });

        foreach (var chunk in people.Chunk(ImportChunk))
        {
            var vehicles = chunk.Select(p => new { vin = p.Vin, currentPlate = "冀A12345", plateKind = "small", energy = "pure", ownerIdNumber = p.IdNumber, ownerPhone = p.Phone });
            var imported = await api.SendAsync("POST /admin/offices/{code}/vehicles", HttpMethod.Post, $"/api/v1/admin/offices/{options.Office}/vehicles", 200, adminToken, vehicles);
            if (imported.GetProperty("imported").GetInt32() != chunk.Length)
            {
                throw new InvalidOperationException($"The import took {imported.GetRawText()} of {chunk.Length} cars.");
            }
        }

        return [.. people.Select((p, i) => new Applicant(p.Username, tokens[i], p.Phone, p.Vin))];
    }

    private sealed record Person(string Username, string Phone, string IdNumber, string Vin);

    private Person NewPerson(int i)
    {
        var number = i.ToString("D6", CultureInfo.InvariantCulture);
        var born = new DateOnly(1960, 1, 1).AddDays(_birthDayOffset + (i / 1000));
        return new Person(
            Username: $"load{_run}{number}".ToLowerInvariant(),
            Phone: $"139{_phoneBlock:D2}{number}",
            IdNumber: IdNumbers.PersonWithCheck($"130102{born:yyyyMMdd}{i % 1000:D3}"),
            // 17 characters: maker, the run, the applicant; the ninth is the check digit's place.
            Vin: Vin.WithCheckDigit($"LLT{_run[..5]}0{number}00"));
    }
}

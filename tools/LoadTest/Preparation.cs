using System.Globalization;
using PlateOrleans.Contracts.Formats;

namespace PlateOrleans.LoadTest;

/// <summary>
/// A registered, signed-in citizen with one eligible car at the run's office; <paramref name="OwnerPhone"/> is the
/// phone on the office's record for the car's owner, which receives the selection's codes.
/// </summary>
public sealed record Applicant(string Username, string Token, string OwnerPhone, string Vin);

/// <summary>
/// What exists before opening day: the office with its published pool, and the applicants with their tokens and
/// imported cars (and, for the draw scenario, their identity verified). Not measured: password hashing makes
/// registration and sign-in deliberately slow.
/// </summary>
public sealed class Preparation(LoadApi api, LoadOptions options)
{
    /// <summary>Ten blocks of digits and twenty-four of letters (no I, no O): 340,000 small D numbers, so that holds never run the pool dry.</summary>
    public static readonly string[] Blocks =
        [.. Enumerable.Range(0, 10).Select(d => $"D{d}####"), .. "ABCDEFGHJKLMNPQRSTUVWXYZ".Select(c => $"D{c}####")];

    private const string Password = "Load-Passw0rd";
    private const int ImportChunk = 500;
    private const int ProgressEvery = 1000;

    /// <summary>How many applicants are sent their codes before the first of them verifies, when preparing the draw scenario.</summary>
    private const int VerifyChunk = 500;

    // Names, phones, ID numbers and VINs of this run, unlike those of any earlier run against the same database and
    // unlike those the API tests make (division 130102, phones 137/138): one account per ID number, usernames
    // compared without case, and the owner's phone receives the code.
    private readonly string _run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
    private readonly string _division = $"13{Random.Shared.Next(2, 12):00}{Random.Shared.Next(21, 90):00}";
    private readonly int _birthDayOffset = Random.Shared.Next(0, 9000);
    private readonly int _phoneBlock = Random.Shared.Next(0, 1000);
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

    /// <summary>Creates (or replaces) the office: open since yesterday, all day, the SMS countdown of the options, 340,000 small D numbers.</summary>
    public async Task CreateOfficeAsync(string adminToken)
    {
        var office = $"/api/v1/admin/offices/{options.Office}";
        var body = new
        {
            name = $"压力测试车管所{options.Office}",
            prefix = "冀A",
            province = "冀",
            opensAt = DateTimeOffset.UtcNow.AddDays(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            hours = new { from = "00:00", to = "24:00" },
            maintenance = false,
            crossRegion = true,
            rules = new { drawsPerVehicle = Draws.DrawsPerApplicant, platesPerDraw = 10, smsConfirmDelaySeconds = options.SmsDelaySeconds },
            locations = new[] { new { id = "main", name = "本所", slots = new[] { new { slot = "09:00-10:00", capacity = 1000 } } } },
        };
        // 201 created, or 200 replaced (the contract names neither): as good.
        await api.SendAsync("PUT /admin/offices/{code}", HttpMethod.Put, office, LoadApi.AnySuccess, adminToken, body);
        await api.SendAsync("PUT /admin/offices/{code}/pool", HttpMethod.Put, $"{office}/pool", LoadApi.AnySuccess, adminToken, new
        {
            series = new[] { new { plateKind = "small", energyLetter = "D", blocks = Blocks } },
        });
    }

    /// <summary>
    /// Registers and signs in <paramref name="count"/> citizens (telling <paramref name="registered"/> every
    /// thousand), and imports a car for each with the citizen's own phone as the owner's phone on record. The same phone is given at registration, so that a server which still
    /// sends codes to the registration phone works too.
    /// </summary>
    public async Task<IReadOnlyList<Applicant>> ApplicantsAsync(string adminToken, int count, IProgress<int>? registered = null)
    {
        var people = Enumerable.Range(_prepared, count).Select(NewPerson).ToList();
        _prepared += count;
        var tokens = new string[people.Count];
        var signedIn = 0;
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
                if (Interlocked.Increment(ref signedIn) % ProgressEvery == 0)
                {
                    registered?.Report(signedIn);
                }
            });

        foreach (var chunk in people.Chunk(ImportChunk))
        {
            var vehicles = chunk.Select(p => new { vin = p.Vin, currentPlate = "冀A12345", plateKind = "small", energy = "pure", ownerIdNumber = p.IdNumber, ownerPhone = p.Phone });
            var imported = await api.SendAsync("POST /admin/offices/{code}/vehicles", HttpMethod.Post, $"/api/v1/admin/offices/{options.Office}/vehicles", LoadApi.AnySuccess, adminToken, vehicles);
            if (imported.GetProperty("imported").GetInt32() != chunk.Length)
            {
                throw new InvalidOperationException($"The import took {imported.GetRawText()} of {chunk.Length} cars.");
            }
        }

        return [.. people.Select((p, i) => new Applicant(p.Username, tokens[i], p.Phone, p.Vin))];
    }

    /// <summary>
    /// Walks each applicant up to stage <c>drawing</c> (enter, notice, information, start, SMS code, verification).
    /// In chunks: a chunk's codes are all sent before the first of them verifies, so that the confirm countdowns run
    /// side by side rather than one after another. A walk that fails throws: the draw scenario needs them all.
    /// </summary>
    public async Task VerifyAsync(IReadOnlyList<Applicant> applicants, IProgress<int>? progress = null)
    {
        var steps = new SelectionSteps(api, options.Office);
        var noticeVersion = await steps.NoticeVersionAsync();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.SetupParallelism };
        var done = 0;
        foreach (var chunk in applicants.Chunk(VerifyChunk))
        {
            var confirmEnabledAt = new DateTimeOffset[chunk.Length];
            await Parallel.ForEachAsync(Enumerable.Range(0, chunk.Length), parallel, async (i, _) =>
            {
                await steps.EnterAsync(chunk[i]);
                await steps.ConfirmInfoAsync(chunk[i], noticeVersion);
                await steps.StartAsync(chunk[i]);
                confirmEnabledAt[i] = await steps.SendCodeAsync(chunk[i]);
            });
            await Parallel.ForEachAsync(Enumerable.Range(0, chunk.Length), parallel, async (i, _) =>
                await steps.VerifyAsync(chunk[i], await steps.ReadCodeAsync(chunk[i]), confirmEnabledAt[i]));
            progress?.Report(done += chunk.Length);
        }
    }

    private sealed record Person(string Username, string Phone, string IdNumber, string Vin);

    private Person NewPerson(int i)
    {
        var number = i.ToString("D6", CultureInfo.InvariantCulture);
        var born = new DateOnly(1960, 1, 1).AddDays(_birthDayOffset + (i / 1000));
        return new Person(
            Username: $"load{_run}{number}".ToLowerInvariant(),
            Phone: $"19{_phoneBlock:D3}{number}",
            IdNumber: IdNumbers.PersonWithCheck($"{_division}{born:yyyyMMdd}{i % 1000:D3}"),
            // 17 characters: maker, the run, the applicant; the ninth is the check digit's place.
            Vin: Vin.WithCheckDigit($"LLT{_run[..5]}0{number}00"));
    }
}

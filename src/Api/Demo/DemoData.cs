using Microsoft.AspNetCore.Identity;
using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;

namespace PlateOrleans.Api.Demo;

/// <summary>
/// The demo world of a fresh standalone start: Shijiazhuang (冀A, open all day), Shenzhen (粤B, 08:00–20:00) and
/// Handan (冀D, under maintenance), with published pools, citizens of every user type and their vehicles.
/// Every demo citizen's password is <see cref="Password"/>.
/// </summary>
public static class DemoData
{
    public const string Password = "Demo-Passw0rd";

    public sealed record DemoOffice(string Code, OfficeSettings Settings, PoolPublication Pool);

    public sealed record DemoCitizen(string Username, UserType Type, string OfficeCode, string Phone, string IdNumber);

    private static readonly OfficeLocation[] _sjzLocations =
    [
        new("sjz-changan", "石家庄车管所长安分所", Slots()),
        new("sjz-luquan", "石家庄车管所鹿泉分所", Slots()),
    ];

    public static readonly DemoOffice[] Offices =
    [
        new("130100",
            new OfficeSettings { Name = "石家庄市车管所", Prefix = "冀A", Province = "冀", Hours = OfficeHours.AllDay, Locations = _sjzLocations },
            new PoolPublication([
                new SeriesBlocks(PlateKind.Small, 'D', ["D0####", "D1####", "DA####"]),
                new SeriesBlocks(PlateKind.Small, 'F', ["F0####"]),
                new SeriesBlocks(PlateKind.Large, 'D', ["10###D", "11###D"]),
                new SeriesBlocks(PlateKind.Large, 'F', ["10###F"]),
            ])),
        new("440300",
            new OfficeSettings { Name = "深圳市车管所", Prefix = "粤B", Province = "粤", Locations = [new("sz-futian", "深圳车管所福田分所", Slots())] },
            new PoolPublication([
                new SeriesBlocks(PlateKind.Small, 'D', ["D0####", "D1####"]),
                new SeriesBlocks(PlateKind.Small, 'F', ["F0####"]),
                new SeriesBlocks(PlateKind.Large, 'D', ["1####D"]),
            ])),
        new("130400",
            new OfficeSettings { Name = "邯郸市车管所", Prefix = "冀D", Province = "冀", Hours = OfficeHours.AllDay, Maintenance = true },
            new PoolPublication([new SeriesBlocks(PlateKind.Small, 'D', ["D0####"])])),
    ];

    private static readonly string _zhangsan = IdNumbers.PersonWithCheck("13010219900101123");
    private static readonly string _lisi = IdNumbers.PersonWithCheck("13010419850505234");
    private static readonly string _wangwu = IdNumbers.PersonWithCheck("13010519950707345");
    private static readonly string _zhaoliu = IdNumbers.PersonWithCheck("44030419920303678");
    private static readonly string _logistics = IdNumbers.CreditWithCheck("91130100MA07LKQH2");

    public static readonly DemoCitizen[] Citizens =
    [
        new("zhangsan", UserType.Owner, "130100", "13800000001", _zhangsan),
        new("lisi", UserType.Window, "130100", "13800000002", _lisi),
        new("wangwu", UserType.NewCarOwner, "130100", "13800000003", _wangwu),
        new("zhaoliu", UserType.Learner, "440300", "13800000004", _zhaoliu),
        new("hebei-logistics", UserType.Unit, "130100", "13800000005", _logistics),
    ];

    public static readonly VehicleRecord[] Vehicles =
    [
        Vehicle("LSVAU2180N2184321", "冀A12345", PlateKind.Small, EnergyKind.Pure, _zhangsan, "130100"),
        Vehicle("LSVAU2180N2184322", "冀A23456", PlateKind.Small, EnergyKind.Fuel, _zhangsan, "130100"),
        Vehicle("LGXCE4CB0N0000001", "粤B34567", PlateKind.Small, EnergyKind.Pure, _zhangsan, "440300"),
        Vehicle("LSGUA84K0N1000002", "冀A45678", PlateKind.Small, EnergyKind.NonPure, _lisi, "130100"),
        Vehicle("LFV2A21K0N3000003", "冀A56789", PlateKind.Small, EnergyKind.Pure, _wangwu, "130100"),
        Vehicle("LFV2A21K0N3000004", "粤B67890", PlateKind.Small, EnergyKind.Pure, _wangwu, "440300"),
        Vehicle("LZYTAGBW0N1000005", "粤B78901", PlateKind.Large, EnergyKind.Pure, _zhaoliu, "440300"),
        Vehicle("LZZ1BLSF0N3000006", "冀A89012", PlateKind.Large, EnergyKind.NonPure, _logistics, "130100"),
        Vehicle("LSVAU2180N2000007", "冀A90123", PlateKind.Small, EnergyKind.Pure, _logistics, "130100"),
        Vehicle("LJ1E6A2U0N7000008", "冀A01234", PlateKind.Motorcycle, EnergyKind.Pure, _logistics, "130100"),
    ];

    public const string OperatorUsername = "op-sjz";

    public static async Task SeedAsync(IGrainFactory grains, IPasswordHasher<AccountRecord> hasher, TimeProvider time)
    {
        foreach (var office in Offices)
        {
            var grain = grains.Get<IOfficeGrain>(office.Code);
            if (await grain.GetAsync() is null)
            {
                await grain.PutAsync(office.Settings);
                await grain.PublishPoolAsync(office.Pool);
            }
        }

        var now = time.GetUtcNow();
        var accounts = Citizens.Select(c => new AccountRecord
        {
            Username = c.Username,
            PasswordHash = "",
            Role = Role.Citizen,
            Phone = c.Phone,
            UserType = c.Type,
            OfficeCode = c.OfficeCode,
            IdNumber = c.IdNumber,
            CreatedAt = now,
        }).Append(new AccountRecord { Username = OperatorUsername, PasswordHash = "", Role = Role.Operator, OfficeCode = "130100", CreatedAt = now });
        foreach (var account in accounts)
        {
            if (await grains.Account(account.Username).GetAsync() is null)
            {
                var hashed = account with { PasswordHash = hasher.HashPassword(account, Password) };
                await (account.IdNumber is { } idNumber
                    ? grains.Get<IOwnerGrain>(idNumber).RegisterAsync(hashed)
                    : grains.Account(account.Username).CreateAsync(hashed));
            }
        }

        foreach (var vehicle in Vehicles)
        {
            await grains.Get<IVehicleGrain>(vehicle.Vin).UpsertAsync(vehicle);
        }
    }

    /// <summary>A demo vehicle, with its owner's phone on the office's record (the demo citizen's phone).</summary>
    private static VehicleRecord Vehicle(string vin, string plate, PlateKind kind, EnergyKind energy, string owner, string office) =>
        new(Vin.WithCheckDigit(vin), plate, kind, energy, owner, office, PhoneOf(owner));

    private static string PhoneOf(string idNumber) => Citizens.First(c => c.IdNumber == idNumber).Phone;

    private static SlotCapacity[] Slots() =>
        [new("09:00-10:00", 30), new("10:00-11:00", 30), new("11:00-12:00", 30), new("14:00-15:00", 30), new("15:00-16:00", 30), new("16:00-17:00", 30)];
}

using PlateOrleans.Contracts;
using PlateOrleans.Contracts.Formats;

namespace PlateOrleans.UnitTests.Formats;

public sealed class PlateSerialsTests
{
    [Theory]
    [InlineData("D12345", 'D')]
    [InlineData("DA1234", 'D')]
    [InlineData("DZ0000", 'D')]
    [InlineData("A00001", 'A')]
    [InlineData("BP9999", 'B')]
    [InlineData("C12345", 'C')]
    [InlineData("E12345", 'E')]
    [InlineData("F12345", 'F')]
    [InlineData("FA1234", 'F')]
    [InlineData("G12345", 'G')]
    [InlineData("H12345", 'H')]
    [InlineData("J12345", 'J')]
    [InlineData("KY0000", 'K')]
    public void SmallSerialStartsWithItsEnergyLetter(string serial, char letter)
    {
        Assert.Equal((PlateKind.Small, letter), PlateSerials.ClassifySerial(serial));
    }

    [Theory]
    [InlineData("12345D", 'D')]
    [InlineData("00000A", 'A')]
    [InlineData("99999E", 'E')]
    [InlineData("12345F", 'F')]
    [InlineData("12345K", 'K')]
    public void LargeSerialEndsWithItsEnergyLetter(string serial, char letter)
    {
        Assert.Equal((PlateKind.Large, letter), PlateSerials.ClassifySerial(serial));
    }

    [Theory]
    [InlineData("DI1234")] // I never appears
    [InlineData("DO1234")] // O never appears
    [InlineData("12345I")]
    [InlineData("12345O")]
    [InlineData("L12345")] // L is not an energy letter
    [InlineData("12345L")]
    [InlineData("Z12345")]
    [InlineData("D1234")] // too short
    [InlineData("D123456")] // too long
    [InlineData("DA12B4")] // a letter where a digit belongs
    [InlineData("DAB123")] // only position 2 may be a letter
    [InlineData("1234DD")] // large: positions 1 to 5 are digits
    [InlineData("d12345")] // lower case
    [InlineData("123456")] // no energy letter at all
    [InlineData("")]
    public void ClassifySerialRejectsWhatIsNotANevSerial(string serial)
    {
        Assert.Null(PlateSerials.ClassifySerial(serial));
    }

    [Fact]
    public void LettersIAndOAreNotSerialLetters()
    {
        var letters = new string([.. Enumerable.Range('A', 26).Select(c => (char)c).Where(PlateSerials.IsSerialLetter)]);

        Assert.Equal("ABCDEFGHJKLMNPQRSTUVWXYZ", letters);
        Assert.False(PlateSerials.IsSerialLetter('a'));
        Assert.False(PlateSerials.IsSerialLetter('1'));
    }

    [Fact]
    public void PureLettersAreDABCEAndNonPureLettersAreFGHJKInOpeningOrder()
    {
        Assert.Equal("DABCE", EnergyLetters.For(EnergyKind.Pure));
        Assert.Equal("FGHJK", EnergyLetters.For(EnergyKind.NonPure));
        Assert.Equal("", EnergyLetters.For(EnergyKind.Fuel));
        Assert.All("DABCE", c => Assert.Equal(EnergyKind.Pure, EnergyLetters.KindOf(c)));
        Assert.All("FGHJK", c => Assert.Equal(EnergyKind.NonPure, EnergyLetters.KindOf(c)));
        Assert.All("ILMNOPQRSTUVWXYZ", c => Assert.Null(EnergyLetters.KindOf(c)));
    }

    [Fact]
    public void ParseSplitsASmallPlateIntoPrefixSerialKindAndLetter()
    {
        Assert.Equal(("冀A", "D12345", PlateKind.Small, 'D'), PlateSerials.Parse("冀AD12345"));
        Assert.Equal(("冀A", "DA1234", PlateKind.Small, 'D'), PlateSerials.Parse("冀ADA1234"));
        Assert.Equal(("粤B", "F12345", PlateKind.Small, 'F'), PlateSerials.Parse("粤BF12345"));
    }

    [Fact]
    public void ParseSplitsALargePlateIntoPrefixSerialKindAndLetter()
    {
        Assert.Equal(("冀A", "12345D", PlateKind.Large, 'D'), PlateSerials.Parse("冀A12345D"));
        Assert.Equal(("京Q", "00001G", PlateKind.Large, 'G'), PlateSerials.Parse("京Q00001G"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("冀AD1234")] // 7 characters
    [InlineData("冀AD123456")] // 9 characters
    [InlineData("冀KD12345")] // Hebei has no office K
    [InlineData("冀ID12345")] // nor I
    [InlineData("京ZD12345")] // Beijing has no office Z
    [InlineData("XAD12345")] // not a province
    [InlineData("AAD12345")]
    [InlineData("冀aD12345")] // office letters are capitals
    [InlineData("冀A12345")] // an ordinary (fuel) plate is not an NEV plate
    [InlineData("冀AL12345")] // L is not an energy letter
    [InlineData("冀ADI1234")] // I never appears in a serial
    [InlineData("冀A1234DD")]
    public void ParseRejectsWhatIsNotAnNevPlate(string? plate)
    {
        Assert.Null(PlateSerials.Parse(plate));
        Assert.False(PlateSerials.IsNevPlate(plate));
    }

    [Theory]
    [InlineData("冀AD12345")]
    [InlineData("冀TDA1234")]
    [InlineData("冀R12345F")]
    [InlineData("粤Z12345D")]
    public void IsNevPlateAcceptsWellFormedNevPlates(string plate)
    {
        Assert.True(PlateSerials.IsNevPlate(plate));
    }

    [Theory]
    [InlineData("冀A12345")] // an ordinary plate: five characters after the prefix
    [InlineData("冀AB1C23")]
    [InlineData("冀AD12345")] // an NEV plate: six
    [InlineData("冀H12345D")]
    [InlineData("粤BZZZZZ")]
    public void IsPlausibleCurrentPlateAcceptsOrdinaryAndNevPlates(string plate)
    {
        Assert.True(PlateSerials.IsPlausibleCurrentPlate(plate));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("冀A1234")] // too short
    [InlineData("冀AD123456")] // too long
    [InlineData("冀K12345")] // Hebei has no office K
    [InlineData("XA12345")] // not a province
    [InlineData("冀A1234I")] // I never appears
    [InlineData("冀A1234O")] // O never appears
    [InlineData("冀A1234a")] // lower case
    [InlineData("冀A123-5")]
    [InlineData("冀A1234学")]
    public void IsPlausibleCurrentPlateRejectsMalformedPlates(string? plate)
    {
        Assert.False(PlateSerials.IsPlausibleCurrentPlate(plate));
    }

    [Fact]
    public void HasFourLooksAtEveryPosition()
    {
        Assert.True(PlateSerials.HasFour("D40000"));
        Assert.True(PlateSerials.HasFour("D00004"));
        Assert.True(PlateSerials.HasFour("40000D"));
        Assert.False(PlateSerials.HasFour("DA1235"));
    }
}

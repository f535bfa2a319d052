using PlateOrleans.Contracts.Formats;

namespace PlateOrleans.UnitTests.Formats;

public sealed class IdNumbersTests
{
    // 11010519491231002X is the example of GB 11643. By hand: the digits 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 times the
    // weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 sum to 167; 167 mod 11 = 2, and "10X98765432"[2] is X.
    [Theory]
    [InlineData("11010519491231002X")]
    [InlineData("110101199003074477")]
    [InlineData("130102199003073212")]
    public void APersonIdWithTheRightCheckDigitIsValid(string id)
    {
        Assert.True(IdNumbers.IsValidPersonId(id));
        Assert.Equal(id[17], IdNumbers.PersonCheck(id));
    }

    [Theory]
    [InlineData("110105194912310021")] // check should be X
    [InlineData("110101199003074478")]
    [InlineData("130102199003073210")]
    [InlineData("11010519491231002x")] // the X is a capital
    public void APersonIdWithAWrongCheckDigitIsInvalid(string id)
    {
        Assert.False(IdNumbers.IsValidPersonId(id));
    }

    [Theory]
    [InlineData("11010119900230123")] // 30 February
    [InlineData("11010119901301123")] // month 13
    [InlineData("11010119900001123")] // month 0
    [InlineData("11010119900100123")] // day 0
    [InlineData("11010118991231123")] // before 1900
    [InlineData("11010120010229123")] // 29 February 2001, not a leap year
    public void APersonIdWithoutARealBirthDateIsInvalidWhateverItsCheckDigit(string first17)
    {
        Assert.False(IdNumbers.IsValidPersonId(IdNumbers.PersonWithCheck(first17)));
    }

    [Fact]
    public void ABirthDateCenturiesAheadIsNoRealBirthDate()
    {
        Assert.False(IdNumbers.IsValidPersonId(IdNumbers.PersonWithCheck("11010129990101123")));
    }

    [Fact]
    public void A29FebruaryOfALeapYearIsARealBirthDate()
    {
        Assert.True(IdNumbers.IsValidPersonId(IdNumbers.PersonWithCheck("11010120000229123")));
    }

    [Theory]
    [InlineData("99010119900307447")] // 99 is no province
    [InlineData("00010119900307447")]
    [InlineData("71010119900307447")] // Taiwan's code is not a mainland province here
    public void APersonIdWithAnUnknownProvinceIsInvalidWhateverItsCheckDigit(string first17)
    {
        Assert.False(IdNumbers.IsValidPersonId(IdNumbers.PersonWithCheck(first17)));
    }

    [Theory]
    [InlineData("11010119900307447")] // 17 characters
    [InlineData("1101011990030744770")] // 19 characters
    [InlineData("11010119900307447A")] // a letter other than X
    [InlineData("1101011990030744X7")] // X only at the end
    [InlineData("")]
    [InlineData(null)]
    public void APersonIdOfTheWrongShapeIsInvalid(string? id)
    {
        Assert.False(IdNumbers.IsValidPersonId(id));
    }

    [Fact]
    public void PersonWithCheckCompletesSeventeenDigitsIntoAValidId()
    {
        Assert.Equal("11010519491231002X", IdNumbers.PersonWithCheck("11010519491231002"));
        Assert.Equal("110101199003074477", IdNumbers.PersonWithCheck("11010119900307447"));
    }

    // 91350100M000100Y43 is the example of GB 32100. By hand: the values 9 1 3 5 0 1 0 0 21(M) 0 0 0 1 0 0 30(Y) 4 times
    // the weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28 sum to 1640; 1640 mod 31 = 28, and 31 - 28 = 3.
    [Theory]
    [InlineData("91350100M000100Y43")]
    [InlineData("91110108551385082Q")]
    public void ACreditCodeWithTheRightCheckCharacterIsValid(string code)
    {
        Assert.True(IdNumbers.IsValidCreditCode(code));
        Assert.Equal(code[17], IdNumbers.CreditCheck(code));
    }

    [Theory]
    [InlineData("91350100M000100Y44")]
    [InlineData("91110108551385082R")]
    [InlineData("91350100M000100Y4I")] // I, O, S, V and Z are not in the alphabet
    [InlineData("91350100M000100Y4O")]
    [InlineData("91350100M000100Y4Z")]
    [InlineData("91350100M000100Y4")] // 17 characters
    [InlineData("91350100M000100Y433")] // 19 characters
    [InlineData("91350100m000100Y43")] // lower case
    [InlineData("")]
    [InlineData(null)]
    public void ACreditCodeWithAWrongCheckCharacterOrShapeIsInvalid(string? code)
    {
        Assert.False(IdNumbers.IsValidCreditCode(code));
    }

    [Theory]
    [InlineData("91350100M000100Y4")]
    [InlineData("91440300MA5F0XXX0")]
    [InlineData("12100000400000000")]
    [InlineData("00000000000000000")]
    public void CreditWithCheckCompletesSeventeenCharactersIntoAValidCode(string first17)
    {
        var code = IdNumbers.CreditWithCheck(first17);

        Assert.Equal(18, code.Length);
        Assert.StartsWith(first17, code);
        Assert.True(IdNumbers.IsValidCreditCode(code));
    }
}

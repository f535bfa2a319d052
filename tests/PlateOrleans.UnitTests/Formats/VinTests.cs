using PlateOrleans.Contracts.Formats;

namespace PlateOrleans.UnitTests.Formats;

public sealed class VinTests
{
    // 1M8GDM9AXKP042788 is the textbook example (ISO 3779 / 49 CFR 565). By hand: the values 1 4 8 7 4 4 9 1 _ 2 7 0 4 2 7 8 8
    // times the weights 8 7 6 5 4 3 2 10 0 9 8 7 6 5 4 3 2 sum to 351; 351 mod 11 = 10, written X.
    [Theory]
    [InlineData("1M8GDM9AXKP042788")]
    [InlineData("1HGCM82633A004352")]
    [InlineData("11111111111111111")]
    public void AVinWithTheRightCheckDigitIsValid(string vin)
    {
        Assert.True(Vin.IsWellFormed(vin));
        Assert.True(Vin.IsValid(vin));
        Assert.Equal(vin[8], Vin.CheckDigit(vin));
    }

    [Theory]
    [InlineData("1M8GDM9A0KP042788")]
    [InlineData("1M8GDM9A9KP042788")]
    [InlineData("1HGCM82643A004352")]
    [InlineData("11111111211111111")]
    public void AVinWithAWrongCheckDigitIsWellFormedButNotValid(string vin)
    {
        Assert.True(Vin.IsWellFormed(vin));
        Assert.False(Vin.IsValid(vin));
    }

    [Fact]
    public void ChangingOneCharacterBreaksTheCheckDigit()
    {
        Assert.False(Vin.IsValid("1M8GDM9AXKP042789"));
        Assert.False(Vin.IsValid("2M8GDM9AXKP042788"));
    }

    [Theory]
    [InlineData("1M8GDM9AXKP04278I")] // I, O and Q are never used
    [InlineData("1M8GDM9AXKP04278O")]
    [InlineData("1M8GDM9AXKP04278Q")]
    [InlineData("1m8gdm9axkp042788")] // lower case
    [InlineData("1M8GDM9AXKP04278-")]
    [InlineData("1M8GDM9AXKP04278")] // 16 characters
    [InlineData("1M8GDM9AXKP0427888")] // 18 characters
    [InlineData("")]
    [InlineData(null)]
    public void WhatIsNotSeventeenVinCharactersIsNeitherWellFormedNorValid(string? vin)
    {
        Assert.False(Vin.IsWellFormed(vin));
        Assert.False(Vin.IsValid(vin));
    }

    [Theory]
    [InlineData("LSVAU2180N2183294")]
    [InlineData("WVWZZZ1JZXW000001")]
    [InlineData("5YJ3E1EA7KF317000")]
    [InlineData("LRW3E7EK1NC000000")]
    [InlineData("ZZZZZZZZZZZZZZZZZ")]
    [InlineData("00000000000000000")]
    public void WithCheckDigitMakesAWellFormedVinValidChangingOnlyTheNinthCharacter(string vin)
    {
        var fixedVin = Vin.WithCheckDigit(vin);

        Assert.True(Vin.IsValid(fixedVin));
        Assert.Equal(vin[..8], fixedVin[..8]);
        Assert.Equal(vin[9..], fixedVin[9..]);
    }

    [Fact]
    public void WithCheckDigitMendsANinthCharacterThatIsNotEvenAVinCharacter()
    {
        Assert.Equal("1M8GDM9AXKP042788", Vin.WithCheckDigit("1M8GDM9AIKP042788"));
    }
}

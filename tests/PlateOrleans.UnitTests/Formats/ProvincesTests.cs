using PlateOrleans.Contracts.Formats;

namespace PlateOrleans.UnitTests.Formats;

public sealed class ProvincesTests
{
    [Fact]
    public void HebeiUsesOfficeLettersAThroughHJRAndT()
    {
        Assert.Equal("ABCDEFGHJRT", Provinces.OfficeLetters('冀'));
        Assert.True(Provinces.AllowsOfficeLetter('冀', 'A'));
        Assert.True(Provinces.AllowsOfficeLetter('冀', 'T'));
        Assert.False(Provinces.AllowsOfficeLetter('冀', 'K'));
        Assert.False(Provinces.AllowsOfficeLetter('冀', 'I'));
    }

    [Fact]
    public void NoProvinceUsesOfficeLettersIOrO()
    {
        foreach (var province in "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新")
        {
            Assert.True(Provinces.IsProvince(province), $"{province} is a province");
            Assert.NotEmpty(Provinces.OfficeLetters(province));
            Assert.DoesNotContain('I', Provinces.OfficeLetters(province));
            Assert.DoesNotContain('O', Provinces.OfficeLetters(province));
        }
    }

    [Fact]
    public void AnUnknownCharacterIsNoProvinceAndHasNoLetters()
    {
        Assert.False(Provinces.IsProvince('X'));
        Assert.False(Provinces.IsProvince('台'));
        Assert.Equal("", Provinces.OfficeLetters('X'));
        Assert.False(Provinces.AllowsOfficeLetter('X', 'A'));
    }

    [Theory]
    [InlineData("130100", '冀')] // Shijiazhuang
    [InlineData("130400", '冀')] // Handan
    [InlineData("440300", '粤')] // Shenzhen
    [InlineData("110000", '京')] // Beijing
    [InlineData("310000", '沪')]
    [InlineData("650100", '新')]
    public void DivisionCodeNamesItsProvince(string code, char province)
    {
        Assert.Equal(province, Provinces.OfDivisionCode(code));
    }

    [Theory]
    [InlineData("990000")] // no such province
    [InlineData("000000")]
    [InlineData("13010")] // too short
    [InlineData("1301000")] // too long
    [InlineData("13010A")] // not all digits
    [InlineData("")]
    public void WhatIsNotADivisionCodeHasNoProvince(string code)
    {
        Assert.Null(Provinces.OfDivisionCode(code));
    }
}

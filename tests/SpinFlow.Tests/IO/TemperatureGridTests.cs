using SpinFlow.IO;

namespace SpinFlow.Tests.IO;

public class TemperatureGridTests
{
    [Fact]
    public void ParsesValuesListsAndRanges()
    {
        Assert.Equal(new[] { 2.5 }, TemperatureGrid.Parse("2.5"));
        Assert.Equal(new[] { 2.0, 2.3 }, TemperatureGrid.Parse("2.0, 2.3"));
        var r = TemperatureGrid.Parse("2.0:2.6:7");
        Assert.Equal(7, r.Length);
        Assert.Equal(2.0, r[0], 14);
        Assert.Equal(2.1, r[1], 14);
        Assert.Equal(2.6, r[6], 14);
        Assert.Equal(2.269185314213022, TemperatureGrid.Parse("Tc")[0]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("NaN")]
    [InlineData("2.0:2.6")]
    [InlineData("2.0:2.6:0")]
    [InlineData("2.6:2.0:3")]
    [InlineData("2.0:2.6:x")]
    [InlineData("1,,2")]
    [InlineData("Infinity")]
    public void RejectsMalformed(string text) => Assert.Throws<FormatException>(() => TemperatureGrid.Parse(text));
}

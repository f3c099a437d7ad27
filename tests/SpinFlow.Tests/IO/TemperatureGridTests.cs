using SpinFlow.Lattice;
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

    [Fact]
    public void TcIsTheModelsExactCriticalTemperature()
    {
        // Onsager's T_c; clock:4 is two Ising models at coupling 1/2; clock:3 is the q = 3 Potts model at coupling 3/2,
        // whose T_c = 1/ln(1 + √3) = 0.99497 at coupling 1 (Wu, Rev. Mod. Phys. 54, 235 (1982)).
        Assert.Equal(2.269185314213022, TemperatureGrid.Parse("tc", SpinModel.Clock(2))[0], 14);
        Assert.Equal(1.134592657106511, TemperatureGrid.Parse("tc", SpinModel.Clock(4))[0], 14);
        Assert.Equal(1.5 * 0.99497, TemperatureGrid.Parse("tc", SpinModel.Clock(3))[0], 4);
    }

    [Fact]
    public void TcIsRefusedWhereNoExactValueExists()
    {
        var xy = Assert.Throws<FormatException>(() => TemperatureGrid.Parse("tc", SpinModel.Xy));
        Assert.StartsWith("--temperature:", xy.Message);
        Assert.Contains("0.893", xy.Message);
        Assert.Throws<FormatException>(() => TemperatureGrid.Parse("2.0,tc", SpinModel.Clock(6)));
        Assert.Equal(new[] { 0.9 }, TemperatureGrid.Parse("0.9", SpinModel.Xy));
    }
}

using SpinFlow.Lattice;

namespace SpinFlow.Tests.Lattice;

public sealed class SpinModelTests
{
    [Theory]
    [InlineData("ising", "ising")]
    [InlineData(" Ising ", "ising")]
    [InlineData("xy", "xy")]
    [InlineData("clock:2", "clock:2")]
    [InlineData("CLOCK:6", "clock:6")]
    [InlineData("clock:256", "clock:256")]
    public void ParsesTheDocumentedNames(string text, string name) => Assert.Equal(name, SpinModel.Parse(text).Name);

    [Fact]
    public void ClockTwoIsNotTheIsingModel()
    {
        Assert.IsType<IsingModel>(SpinModel.Parse("ising"));
        Assert.Equal(2, Assert.IsType<ClockModel>(SpinModel.Parse("clock:2")).States);
        Assert.Equal(SpinModel.Clock(6), SpinModel.Parse("clock:6"));
    }

    [Theory]
    [InlineData("clock:1")]
    [InlineData("clock:0")]
    [InlineData("clock:-3")]
    [InlineData("clock:257")]
    [InlineData("clock:")]
    [InlineData("clock:six")]
    [InlineData("potts:3")]
    [InlineData("heisenberg")]
    [InlineData("")]
    public void RejectsBadNamesWithOneLine(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => SpinModel.Parse(text));
        Assert.Contains("--model", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void ClockTablesAreExactWhereTheAngleIsAMultipleOfQuarterTurns()
    {
        var four = (ClockModel)SpinModel.Clock(4);
        Assert.Equal([1.0, 0.0, -1.0, 0.0], four.CosTable());
        Assert.Equal([0.0, 1.0, 0.0, -1.0], four.SinTable());
        var six = (ClockModel)SpinModel.Clock(6);
        var c = six.CosTable();
        var s = six.SinTable();
        for (int d = 0; d < 6; d++)
        {
            Assert.Equal(Math.Cos(2 * Math.PI * d / 6), c[d], 14);
            Assert.Equal(Math.Sin(2 * Math.PI * d / 6), s[d], 14);
            Assert.Equal(c[d], c[(6 - d) % 6]); // even, bit for bit
            Assert.Equal(s[d], -s[(6 - d) % 6]);
        }
    }
}

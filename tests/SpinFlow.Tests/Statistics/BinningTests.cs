using SpinFlow.Statistics;

namespace SpinFlow.Tests.Statistics;

public class BinningTests
{
    [Fact]
    public void PlateauGivesTauOfAr1()
    {
        double phi = 0.8;
        var x = AutocorrelationTests.Ar1(1 << 18, phi, 11);
        var b = Binning.Analyze(x);
        double exact = 0.5 * (1 + phi) / (1 - phi);
        // The plateau error is known to ~√(2/bins) relative; with ≥ 32 bins, τ (∝ error²) to ~50 %.
        Assert.InRange(b.Tau, exact * 0.6, exact * 1.6);
        // Errors grow with bin size for positively correlated data.
        Assert.True(b.Levels[^1].Error > b.Levels[0].Error * 2);
    }

    [Fact]
    public void UncorrelatedDataHasFlatBinningCurve()
    {
        var x = AutocorrelationTests.Ar1(1 << 16, 0.0, 5);
        var b = Binning.Analyze(x);
        Assert.InRange(b.Tau, 0.25, 1.0);
        Assert.Equal(1, b.Levels[0].BinSize);
        Assert.All(b.Levels, l => Assert.True(l.Bins >= Binning.MinimumBins));
    }
}

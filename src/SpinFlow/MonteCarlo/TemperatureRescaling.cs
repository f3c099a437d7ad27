using System.Diagnostics;
using SpinFlow.Exact;
using SpinFlow.Lattice;
using SpinFlow.Randomness;
using SpinFlow.Statistics;

namespace SpinFlow.MonteCarlo;

/// <summary>Settings of an approximate temperature rescaling run (DESIGN.md §7); validated on construction.</summary>
public sealed record TemperatureRescalingOptions
{
    /// <summary>Linear size L of the sampled lattice (even, ≥ 4); blocks are L/2 × L/2.</summary>
    public int Size { get; }
    /// <summary>Temperature grid T_x, strictly increasing, every value positive and finite.</summary>
    public IReadOnlyList<double> Temperatures { get; }
    /// <summary>Measured Swendsen–Wang sweeps per temperature (each one blocked and measured).</summary>
    public int Samples { get; }
    /// <summary>Sweeps discarded per temperature before measuring.</summary>
    public int Thermalize { get; }
    /// <summary>Seed: temperature i uses streams derived from (seed, i), so results do not depend on scheduling.</summary>
    public ulong Seed { get; }
    /// <summary>The spin model (Ising unless given): Ising runs Swendsen–Wang, clock:Q and XY run Wolff.</summary>
    public SpinModel Model { get; }

    /// <summary>Validates and stores the settings; bad values throw <see cref="ArgumentException"/> with a one-line message.</summary>
    public TemperatureRescalingOptions(int size, IReadOnlyList<double> temperatures, int samples, int thermalize, ulong seed, SpinModel? model = null)
    {
        if (size < 4) throw new ArgumentOutOfRangeException(nameof(size), size, "lattice size L must be at least 4 (blocks are L/2 × L/2)");
        if (size % 2 != 0) throw new ArgumentOutOfRangeException(nameof(size), size, "lattice size L must be even for 2×2 blocking");
        ArgumentNullException.ThrowIfNull(temperatures);
        if (temperatures.Count == 0) throw new ArgumentException("the temperature grid is empty", nameof(temperatures));
        for (int i = 0; i < temperatures.Count; i++)
        {
            double t = temperatures[i];
            if (!(t > 0) || double.IsInfinity(t))
                throw new ArgumentOutOfRangeException(nameof(temperatures), t, "temperature must be positive and finite");
            // Interpolation between grid points needs an ordered grid without repeats.
            if (i > 0 && !(t > temperatures[i - 1]))
                throw new ArgumentException("the temperature grid must be strictly increasing", nameof(temperatures));
        }
        if (samples < 4) throw new ArgumentOutOfRangeException(nameof(samples), samples, "need at least 4 samples per temperature for error bars");
        if (thermalize < 0) throw new ArgumentOutOfRangeException(nameof(thermalize), thermalize, "thermalisation sweeps must be non-negative");
        Size = size;
        Temperatures = temperatures.ToArray();
        Samples = samples;
        Thermalize = thermalize;
        Seed = seed;
        Model = model ?? SpinModel.Ising;
    }

    /// <summary>Linear size L/2 of the blocked lattice.</summary>
    public int BlockSize => Size / 2;
}

/// <summary>One grid temperature T_x of a rescaling run and the input temperature T_ξ it maps to.</summary>
/// <param name="Temperature">T_x.</param>
/// <param name="BlockEnergy">e_block(T_x): energy per site of the blocked L/2 × L/2 configurations (the model's <see cref="BlockSpin"/>).</param>
/// <param name="Energy">Sampled energy per site of the L × L configurations themselves (a check of the chain against <paramref name="ExactEnergy"/>).</param>
/// <param name="ExactEnergy">Exact e_L(T_x); NaN where the model has no exact solution.</param>
/// <param name="ExactHalfEnergy">Exact e_{L/2}(T_x); NaN where the model has no exact solution.</param>
/// <param name="TXi">T_ξ with e_{L/2}(T_ξ) = e_block(T_x); NaN when e_block lies outside the invertible range.</param>
/// <param name="TXiError">Error of T_ξ: σ_e / c_{L/2}(T_ξ), the error of e_block carried through the inversion, combined with <see cref="TXiCurveError"/>.</param>
/// <param name="HalfSpecificHeatAtTXi">c_{L/2}(T_ξ) = de_{L/2}/dT at T_ξ, the slope used for <paramref name="TXiError"/>.</param>
public sealed record RescalingPoint(
    double Temperature, Estimate BlockEnergy, Estimate Energy, double ExactEnergy, double ExactHalfEnergy,
    double TXi, double TXiError, double HalfSpecificHeatAtTXi)
{
    /// <summary>The part of <see cref="TXiError"/> from the errors of a measured L/2 energy curve (0 for an exact curve).</summary>
    public double TXiCurveError { get; init; }
}

/// <summary>T_ξ at a target temperature, with its propagated error.</summary>
/// <param name="Target">T_x.</param>
/// <param name="TXi">T_ξ(T_x).</param>
/// <param name="Error">Propagated error of T_ξ.</param>
public readonly record struct RescaledTemperature(double Target, double TXi, double Error);

/// <summary>Outcome of <see cref="TemperatureRescaling.Run(TemperatureRescalingOptions, IProgress{double}?, int, CancellationToken)"/>: the table T_x → T_ξ over the grid.</summary>
public sealed record TemperatureRescalingResult(TemperatureRescalingOptions Options, IReadOnlyList<RescalingPoint> Points, TimeSpan Elapsed)
{
    private readonly EnergyCurve? _halfCurve;

    /// <summary>The L/2 × L/2 energy curve the blocked energies were matched against (the exact one of the model unless set).</summary>
    public EnergyCurve HalfCurve
    {
        get => _halfCurve ?? EnergyCurve.Exact(Options.Model, Options.BlockSize);
        init => _halfCurve = value;
    }

    /// <summary>
    /// T_ξ at any T_x inside the grid: e_block and its error are interpolated linearly between the neighbouring grid
    /// points, then inverted exactly; at a grid point this reproduces that point's T_ξ.
    /// </summary>
    public RescaledTemperature TXiAt(double targetTemperature)
    {
        var pts = Points;
        double lo = pts[0].Temperature, hi = pts[^1].Temperature;
        if (!(targetTemperature >= lo && targetTemperature <= hi))
            throw new ArgumentOutOfRangeException(nameof(targetTemperature), targetTemperature,
                $"target temperature outside the rescaling grid [{lo}, {hi}]");
        int j = 0;
        while (j < pts.Count - 1 && pts[j + 1].Temperature <= targetTemperature) j++;
        if (pts[j].Temperature == targetTemperature) return new RescaledTemperature(targetTemperature, pts[j].TXi, pts[j].TXiError);
        var a = pts[j];
        var b = pts[j + 1];
        double w = (targetTemperature - a.Temperature) / (b.Temperature - a.Temperature);
        double e = (1 - w) * a.BlockEnergy.Mean + w * b.BlockEnergy.Mean;
        // The neighbours are independent chains, but a conservative (linear) blend keeps the bar from shrinking between points.
        double se = (1 - w) * a.BlockEnergy.Error + w * b.BlockEnergy.Error;
        var r = HalfCurve.Invert(e, se);
        return new RescaledTemperature(targetTemperature, r.Temperature, r.Error);
    }
}

/// <summary>
/// Approximate temperature rescaling (paper §III B, Fig. 2): samples of L×L at each T_x (Swendsen–Wang for Ising, Wolff
/// for clock:Q and XY) are blocked by the model's 2×2 <see cref="BlockSpin"/>, and T_ξ is where the L/2 × L/2 energy
/// curve equals the blocked energy, e_{L/2}(T_ξ) = e_block(T_x): the exact curve where there is one (Ising, clock:2,
/// clock:4), else a measured <see cref="MonteCarloEnergyCurve"/> whose errors enter that of T_ξ.
/// </summary>
public static class TemperatureRescaling
{
    /// <summary>
    /// Runs every grid temperature (in parallel when <paramref name="maxParallelism"/> ≠ 1) against the model's exact L/2
    /// curve (<see cref="EnergyCurve.Exact"/>; Ising, clock:2, clock:4); same seed → same result at any thread count.
    /// </summary>
    public static TemperatureRescalingResult Run(TemperatureRescalingOptions options, IProgress<double>? progress = null, int maxParallelism = -1,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Run(options, EnergyCurve.Exact(options.Model, options.BlockSize), progress, maxParallelism, cancellation);
    }

    /// <summary>As <see cref="Run(TemperatureRescalingOptions, IProgress{double}?, int, CancellationToken)"/>, matching against <paramref name="halfCurve"/> (the model's, on L/2 × L/2).</summary>
    public static TemperatureRescalingResult Run(TemperatureRescalingOptions options, EnergyCurve halfCurve, IProgress<double>? progress = null,
        int maxParallelism = -1, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(halfCurve);
        if (halfCurve.Model != options.Model || halfCurve.Size != options.BlockSize)
            throw new ArgumentException($"the energy curve is of {halfCurve.Model.Name} on {halfCurve.Size}×{halfCurve.Size}, but the blocked lattice is {options.Model.Name} on {options.BlockSize}×{options.BlockSize}", nameof(halfCurve));
        var watch = Stopwatch.StartNew();
        int count = options.Temperatures.Count;
        var points = new RescalingPoint[count];
        int done = 0;
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism, CancellationToken = cancellation }, i =>
        {
            points[i] = options.Model is IsingModel ? RunOne(options, i, halfCurve, cancellation) : RunOneAngle(options, i, halfCurve, cancellation);
            progress?.Report((double)Interlocked.Increment(ref done) / count);
        });
        return new TemperatureRescalingResult(options, points, watch.Elapsed) { HalfCurve = halfCurve };
    }

    /// <summary>
    /// T_ξ with e_{L/2}(T_ξ) = <paramref name="blockEnergy"/> on the <paramref name="blockSize"/>² lattice, its error
    /// σ_e / c_{L/2}(T_ξ), and that slope c; NaNs when the energy is outside (−2, 0) or too close to either end to invert.
    /// </summary>
    public static (double TXi, double Error, double Slope) Invert(int blockSize, double blockEnergy, double blockEnergyError)
    {
        var r = EnergyCurve.Exact(SpinModel.Ising, blockSize).Invert(blockEnergy, blockEnergyError);
        return (r.Temperature, r.Error, r.Slope);
    }

    private static RescalingPoint RunOne(TemperatureRescalingOptions o, int index, EnergyCurve halfCurve, CancellationToken cancellation)
    {
        double temperature = o.Temperatures[index];
        int size = o.Size, half = o.BlockSize;
        // Two streams per temperature: the chain's and the tie-breaking coin's, so neither perturbs the other.
        ulong chainSeed = Xoshiro256.ForStream(o.Seed, 2 * (ulong)index).NextUInt64();
        var ties = Xoshiro256.ForStream(o.Seed, 2 * (ulong)index + 1);
        var sampler = new SwendsenWang(size, temperature, chainSeed);
        for (int s = 0; s < o.Thermalize; s++)
        {
            if ((s & 1023) == 0) cancellation.ThrowIfCancellationRequested();
            sampler.Sweep();
        }
        var blocked = new sbyte[half * half];
        var blockEnergy = new double[o.Samples];
        var energy = new double[o.Samples];
        double sites = (double)size * size, blockSites = (double)half * half;
        for (int s = 0; s < o.Samples; s++)
        {
            if ((s & 1023) == 0) cancellation.ThrowIfCancellationRequested();
            sampler.Sweep();
            var spins = sampler.Spins;
            energy[s] = SpinConfiguration.Hamiltonian(spins, size) / sites;
            MajorityRule.Block(spins, size, blocked, ties);
            blockEnergy[s] = SpinConfiguration.Hamiltonian(blocked, half) / blockSites;
        }
        var eBlock = TimeSeries.Analyze(blockEnergy);
        var r = halfCurve.Invert(eBlock.Mean, eBlock.Error);
        return new RescalingPoint(temperature, eBlock, TimeSeries.Analyze(energy),
            KaufmanSolution.Compute(size, temperature).Energy, KaufmanSolution.Compute(half, temperature).Energy,
            r.Temperature, r.Error, r.Slope) { TXiCurveError = r.CurveError };
    }

    // The clock and XY path: Wolff on L×L, every measured sweep blocked by the model's block spin.
    private static RescalingPoint RunOneAngle(TemperatureRescalingOptions o, int index, EnergyCurve halfCurve, CancellationToken cancellation)
    {
        double temperature = o.Temperatures[index];
        int size = o.Size, half = o.BlockSize;
        ulong chainSeed = Xoshiro256.ForStream(o.Seed, 2 * (ulong)index).NextUInt64();
        var ties = Xoshiro256.ForStream(o.Seed, 2 * (ulong)index + 1);
        var sampler = AngleSamplers.Create(o.Model, SpinAlgorithm.Wolff, size, temperature, chainSeed);
        var blockSpin = BlockSpin.For(o.Model);
        int thermalize = Math.Max(o.Thermalize, sampler.TuningSweeps);
        for (int s = 0; s < thermalize; s++)
        {
            if ((s & 1023) == 0) cancellation.ThrowIfCancellationRequested();
            sampler.Sweep();
        }
        var cos = new double[size * size];
        var sin = new double[size * size];
        var blockedCos = new double[half * half];
        var blockedSin = new double[half * half];
        var blockEnergy = new double[o.Samples];
        var energy = new double[o.Samples];
        for (int s = 0; s < o.Samples; s++)
        {
            if ((s & 1023) == 0) cancellation.ThrowIfCancellationRequested();
            sampler.Sweep();
            sampler.CopySpins(cos, sin);
            energy[s] = AngleConfiguration.Measure(cos, sin, size, 0).Energy;
            blockSpin.Block(cos, sin, size, blockedCos, blockedSin, ties);
            blockEnergy[s] = AngleConfiguration.Measure(blockedCos, blockedSin, half, 0).Energy;
        }
        var eBlock = TimeSeries.Analyze(blockEnergy);
        var r = halfCurve.Invert(eBlock.Mean, eBlock.Error);
        bool exact = ClockExact.HasSolution(o.Model);
        return new RescalingPoint(temperature, eBlock, TimeSeries.Analyze(energy),
            exact ? ClockExact.Compute(o.Model, size, temperature).Energy : double.NaN,
            exact ? ClockExact.Compute(o.Model, half, temperature).Energy : double.NaN,
            r.Temperature, r.Error, r.Slope) { TXiCurveError = r.CurveError };
    }
}

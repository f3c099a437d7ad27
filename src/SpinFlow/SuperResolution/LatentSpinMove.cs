using System.Diagnostics;
using System.Numerics.Tensors;
using SpinFlow.Relaxation;

namespace SpinFlow.SuperResolution;

/// <summary>
/// Local relaxation of latent chains on the generated lattice: x = F(z), spins s ~ p(s | x), a few checkerboard Metropolis
/// sweeps of s at T_x, x' ~ p(x | s') exactly (the model's <see cref="IRelaxedSpinMove"/>), and back to the latent space,
/// z' = F⁻¹(x').
/// </summary>
/// <remarks>
/// <para>
/// Each of the three steps leaves the joint (x, s) distribution of the relaxed model invariant (two exact conditional
/// draws and a Metropolis chain whose stationary law is the spin model's marginal of s), so the move leaves π_x invariant, and
/// through the bijection F it leaves the latent target π_x(F(z)) |det ∂F/∂z| invariant: it can be interleaved with latent
/// HMC trajectories without changing what the chain samples. Latent HMC moves the flow's coarse, collective variables;
/// wrong short-range structure on top of them is what local dynamics repairs fastest — the local relaxation time grows
/// with the correlation length, not with L.
/// </para>
/// <para>
/// The flow runs in float32, so F(F⁻¹(x')) equals x' only to round-off; <see cref="RoundTripError"/> measures it after
/// every move, so that every run reports how far from exact its moves were.
/// </para>
/// <para>
/// Every chain has its own spin, Metropolis and Gaussian streams, so a run is reproducible for a given seed whatever the
/// number of threads that sweep the chains. Not thread-safe: buffers are reused between calls.
/// </para>
/// </remarks>
public sealed class LatentSpinMove
{
    private readonly LatentTarget _target;
    private readonly IRelaxedSpinMove _move;
    private readonly float[] _x, _zFloat;
    private readonly double[] _xDouble, _energy, _logDet;

    /// <summary>Metropolis sweeps of the spins per move.</summary>
    public int Sweeps => _move.Sweeps;

    /// <summary>Largest |F(F⁻¹(x')) − x'| over all sites, chains and moves checked so far (float32 round-off of the flow).</summary>
    public double RoundTripError { get; private set; }

    /// <summary>Seconds spent so far in generating x = F(z) with its energy, in the spin sweeps (s | x, Metropolis, x | s), and in z' = F⁻¹(x').</summary>
    public (double Generate, double Sweeps, double Inverse) Times =>
        (_generateTicks / (double)Stopwatch.Frequency, _sweepTicks / (double)Stopwatch.Frequency, _inverseTicks / (double)Stopwatch.Frequency);

    private long _generateTicks, _sweepTicks, _inverseTicks;

    /// <summary>Moves done so far (each moves every chain).</summary>
    public int Moves { get; private set; }

    /// <summary>Mean Metropolis acceptance of the spin sweeps so far.</summary>
    public double SpinAcceptance => Moves > 0 ? _move.SpinAcceptance : double.NaN;

    /// <summary>
    /// Move for <paramref name="chains"/> chains of <paramref name="target"/>, <paramref name="sweeps"/> Metropolis sweeps
    /// and <paramref name="clusters"/> Wolff cluster reflections (clock and XY) each time.
    /// </summary>
    public LatentSpinMove(LatentTarget target, int chains, int sweeps, ulong seed, int clusters = 0)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (chains < 1) throw new ArgumentOutOfRangeException(nameof(chains), chains, "need at least one chain");
        if (sweeps < 1) throw new ArgumentOutOfRangeException(nameof(sweeps), sweeps, "a spin move needs at least one sweep");
        _target = target;
        _move = target.Model.CreateSpinMove(chains, sweeps, seed, clusters);
        int n = target.Dimension;
        _x = new float[chains * n];
        _zFloat = new float[chains * n];
        _xDouble = new double[chains * n];
        _energy = new double[chains];
        _logDet = new double[chains];
    }

    /// <summary>Moves every chain of <paramref name="z"/> (chains × dimension) in place.</summary>
    public void Apply(Span<double> z)
    {
        int chains = _move.Chains, n = _target.Dimension;
        if (z.Length != chains * n) throw new ArgumentException($"expected {chains} × {n} latents, got {z.Length}", nameof(z));
        long t0 = Stopwatch.GetTimestamp();
        _target.Generate(z, _x, _energy, _logDet);
        long t1 = Stopwatch.GetTimestamp();
        TensorPrimitives.ConvertTruncating<float, double>(_x, _xDouble);
        _move.Apply(_xDouble);
        TensorPrimitives.ConvertTruncating<double, float>(_xDouble, _x);
        long t2 = Stopwatch.GetTimestamp();
        _target.Flow.Infer(_x, _zFloat, _logDet);
        TensorPrimitives.ConvertTruncating<float, double>(_zFloat, z);
        long t3 = Stopwatch.GetTimestamp();
        _generateTicks += t1 - t0;
        _sweepTicks += t2 - t1;
        _inverseTicks += t3 - t2;
        Moves++;
    }

    /// <summary>
    /// Compares <paramref name="generated"/> = F(z') of the latest move's z' with the x' it inverted, and keeps the largest
    /// difference in <see cref="RoundTripError"/>.
    /// </summary>
    public void CheckRoundTrip(ReadOnlySpan<float> generated)
    {
        if (generated.Length != _x.Length) throw new ArgumentException($"expected {_x.Length} values, got {generated.Length}", nameof(generated));
        double worst = RoundTripError;
        for (int i = 0; i < _x.Length; i++) worst = Math.Max(worst, Math.Abs(generated[i] - _x[i]));
        RoundTripError = worst;
    }
}

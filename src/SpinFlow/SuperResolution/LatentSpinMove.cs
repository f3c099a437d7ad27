using SpinFlow.MonteCarlo;
using SpinFlow.Randomness;

namespace SpinFlow.SuperResolution;

/// <summary>
/// Local relaxation of latent chains on the generated lattice: x = F(z), spins s ~ p(s | x), a few checkerboard Metropolis
/// sweeps of s at T_x, x' ~ p(x | s') exactly, and back to the latent space, z' = F⁻¹(x').
/// </summary>
/// <remarks>
/// <para>
/// Each of the three steps leaves the joint (x, s) distribution of the relaxed model invariant (two exact conditional
/// draws and a Metropolis chain whose stationary law is the Ising marginal of s), so the move leaves π_x invariant, and
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
    private readonly Metropolis[] _metropolis;
    private readonly Xoshiro256[] _spinRngs, _fieldRngs;
    private readonly float[] _x, _zFloat;
    private readonly double[] _xDouble, _energy, _logDet;
    private readonly sbyte[] _spins;

    /// <summary>Metropolis sweeps of the spins per move.</summary>
    public int Sweeps { get; }

    /// <summary>Largest |F(F⁻¹(x')) − x'| over all sites, chains and moves checked so far (float32 round-off of the flow).</summary>
    public double RoundTripError { get; private set; }

    /// <summary>Moves done so far (each moves every chain).</summary>
    public int Moves { get; private set; }

    /// <summary>Mean Metropolis acceptance of the spin sweeps so far.</summary>
    public double SpinAcceptance
    {
        get
        {
            double sum = 0;
            foreach (var m in _metropolis) sum += m.AcceptanceRate;
            return Moves > 0 ? sum / _metropolis.Length : double.NaN;
        }
    }

    /// <summary>Move for <paramref name="chains"/> chains of <paramref name="target"/>, <paramref name="sweeps"/> Metropolis sweeps each time.</summary>
    public LatentSpinMove(LatentTarget target, int chains, int sweeps, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (chains < 1) throw new ArgumentOutOfRangeException(nameof(chains), chains, "need at least one chain");
        if (sweeps < 1) throw new ArgumentOutOfRangeException(nameof(sweeps), sweeps, "a spin move needs at least one sweep");
        _target = target;
        Sweeps = sweeps;
        int n = target.Dimension, size = target.Model.Size;
        _metropolis = new Metropolis[chains];
        _spinRngs = new Xoshiro256[chains];
        _fieldRngs = new Xoshiro256[chains];
        for (int c = 0; c < chains; c++)
        {
            ulong stream = 3UL * (ulong)c;
            _spinRngs[c] = Xoshiro256.ForStream(seed, stream);
            _fieldRngs[c] = Xoshiro256.ForStream(seed, stream + 1);
            _metropolis[c] = new Metropolis(size, target.Model.Temperature, Xoshiro256.ForStream(seed, stream + 2).NextUInt64());
        }
        _x = new float[chains * n];
        _zFloat = new float[chains * n];
        _xDouble = new double[chains * n];
        _energy = new double[chains];
        _logDet = new double[chains];
        _spins = new sbyte[chains * n];
    }

    /// <summary>Moves every chain of <paramref name="z"/> (chains × N) in place.</summary>
    public void Apply(Span<double> z)
    {
        int chains = _metropolis.Length, n = _target.Dimension;
        if (z.Length != chains * n) throw new ArgumentException($"expected {chains} × {n} latents, got {z.Length}", nameof(z));
        _target.Generate(z, _x, _energy, _logDet);
        System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<float, double>(_x, _xDouble);
        Parallel.For(0, chains, c =>
        {
            var spins = _spins.AsSpan(c * n, n);
            Relaxation.RelaxedIsing.SampleSpins(_xDouble.AsSpan(c * n, n), spins, _spinRngs[c]);
            var metropolis = _metropolis[c];
            metropolis.SetSpins(spins);
            for (int s = 0; s < Sweeps; s++) metropolis.Sweep();
            metropolis.Spins.CopyTo(spins);
        });
        _target.Model.SampleGivenSpins(_spins, _xDouble, _fieldRngs);
        System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<double, float>(_xDouble, _x);
        _target.Flow.Infer(_x, _zFloat, _logDet);
        System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<float, double>(_zFloat, z);
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

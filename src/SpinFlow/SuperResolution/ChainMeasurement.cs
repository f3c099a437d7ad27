using SpinFlow.Randomness;
using SpinFlow.Relaxation;
using SpinFlow.Statistics;

namespace SpinFlow.SuperResolution;

/// <summary>
/// Improved-estimator measurements of every chain's generated lattice x = F(z), step by step, kept as
/// <see cref="ChainAverages"/>; each chain has its own stream for the |m| spin draws.
/// </summary>
internal sealed class ChainMeasurement
{
    private readonly int _size, _chains;
    private readonly double[] _x, _scratch;
    private readonly double[] _e, _e2, _m2, _absM, _m4;
    private readonly Xoshiro256[] _rngs;

    /// <param name="size">Lattice side.</param>
    /// <param name="chains">Chains measured together.</param>
    /// <param name="seed">Seed of the |m| spin draws.</param>
    /// <param name="chainM2">When given, every chain's E[m² | x] is appended to it at each step (step-major).</param>
    /// <param name="chainEnergy">When given, every chain's E[e | x] is appended to it at each step (step-major).</param>
    public ChainMeasurement(int size, int chains, ulong seed, List<double>? chainM2 = null, List<double>? chainEnergy = null)
    {
        _size = size;
        _chains = chains;
        _x = new double[size * size];
        _scratch = new double[size * size];
        (_e, _e2, _m2, _absM, _m4) = (new double[chains], new double[chains], new double[chains], new double[chains], new double[chains]);
        _rngs = Enumerable.Range(0, chains).Select(c => Xoshiro256.ForStream(seed, (ulong)c)).ToArray();
        Averages = new ChainAverages(size * size, chains, chainM2, chainEnergy);
    }

    /// <summary>The series measured so far.</summary>
    public ChainAverages Averages { get; }

    /// <summary>Measures every chain's configuration (chains × L², float32) and returns the chain mean of E[m² | x].</summary>
    public double Add(ReadOnlySpan<float> x)
    {
        int n = _size * _size;
        for (int c = 0; c < _chains; c++)
        {
            System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<float, double>(x.Slice(c * n, n), _x);
            var r = ImprovedEstimators.Measure(_x, _size, _scratch, _rngs[c]);
            (_e[c], _e2[c], _m2[c], _absM[c], _m4[c]) = (r.Energy, r.Energy2, r.M2, r.AbsM, r.M4);
        }
        return Averages.Add(_e, _e2, _m2, _absM, _m4);
    }
}

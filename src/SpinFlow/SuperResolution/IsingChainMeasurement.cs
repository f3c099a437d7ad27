using SpinFlow.Randomness;
using SpinFlow.Relaxation;

namespace SpinFlow.SuperResolution;

/// <summary>The Ising <see cref="ChainMeasurement"/>: <see cref="ImprovedEstimators"/> on every chain's x.</summary>
internal sealed class IsingChainMeasurement : ChainMeasurement
{
    private readonly int _size, _chains;
    private readonly double[] _x, _scratch;
    private readonly double[] _e, _e2, _m2, _absM, _m4;
    private readonly Xoshiro256[] _rngs;

    /// <summary>Chains on the <paramref name="size"/>×<paramref name="size"/> lattice; <paramref name="seed"/> seeds the |m| spin draws.</summary>
    public IsingChainMeasurement(int size, int chains, ulong seed, List<double>? chainM2 = null, List<double>? chainEnergy = null)
        : base(size * size, chains, chainM2, chainEnergy)
    {
        _size = size;
        _chains = chains;
        _x = new double[size * size];
        _scratch = new double[size * size];
        (_e, _e2, _m2, _absM, _m4) = (new double[chains], new double[chains], new double[chains], new double[chains], new double[chains]);
        _rngs = Enumerable.Range(0, chains).Select(c => Xoshiro256.ForStream(seed, (ulong)c)).ToArray();
    }

    /// <inheritdoc/>
    public override double Add(ReadOnlySpan<float> x)
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

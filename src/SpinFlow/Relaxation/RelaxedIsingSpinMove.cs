using SpinFlow.MonteCarlo;
using SpinFlow.Randomness;

namespace SpinFlow.Relaxation;

/// <summary>
/// The x-space spin move of <see cref="RelaxedIsing"/>: s ~ p(s | x) per site, checkerboard <see cref="Metropolis"/> sweeps
/// of s at T, x ~ N(K's, K'). Chain c draws its spins from stream (seed, 3c), its field from (seed, 3c + 1) and seeds its
/// Metropolis chain from (seed, 3c + 2). Not thread-safe: buffers are reused between calls.
/// </summary>
public sealed class RelaxedIsingSpinMove : IRelaxedSpinMove
{
    private readonly RelaxedIsing _model;
    private readonly Metropolis[] _metropolis;
    private readonly Xoshiro256[] _spinRngs, _fieldRngs;
    private readonly sbyte[] _spins;
    private int _moves;

    /// <summary>The move for <paramref name="chains"/> chains of <paramref name="model"/>.</summary>
    public RelaxedIsingSpinMove(RelaxedIsing model, int chains, int sweeps, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (chains < 1) throw new ArgumentOutOfRangeException(nameof(chains), chains, "need at least one chain");
        if (sweeps < 1) throw new ArgumentOutOfRangeException(nameof(sweeps), sweeps, "a spin move needs at least one sweep");
        _model = model;
        Sweeps = sweeps;
        _metropolis = new Metropolis[chains];
        _spinRngs = new Xoshiro256[chains];
        _fieldRngs = new Xoshiro256[chains];
        for (int c = 0; c < chains; c++)
        {
            ulong stream = 3UL * (ulong)c;
            _spinRngs[c] = Xoshiro256.ForStream(seed, stream);
            _fieldRngs[c] = Xoshiro256.ForStream(seed, stream + 1);
            _metropolis[c] = new Metropolis(model.Size, model.Temperature, Xoshiro256.ForStream(seed, stream + 2).NextUInt64());
        }
        _spins = new sbyte[chains * model.Sites];
    }

    /// <inheritdoc />
    public int Chains => _metropolis.Length;

    /// <inheritdoc />
    public int Sweeps { get; }

    /// <inheritdoc />
    public double SpinAcceptance
    {
        get
        {
            double sum = 0;
            foreach (var m in _metropolis) sum += m.AcceptanceRate;
            return _moves > 0 ? sum / _metropolis.Length : double.NaN;
        }
    }

    /// <inheritdoc />
    public void Apply(Span<double> x)
    {
        int chains = _metropolis.Length, n = _model.Sites;
        if (x.Length != chains * n) throw new ArgumentException($"expected {chains} × {n} values, got {x.Length}", nameof(x));
        var spinsAll = _spins;
        unsafe
        {
            fixed (double* px = x)
            {
                nint ax = (nint)px;
                Parallel.For(0, chains, c =>
                {
                    var spins = spinsAll.AsSpan(c * n, n);
                    RelaxedIsing.SampleSpins(new ReadOnlySpan<double>((double*)ax + (long)c * n, n), spins, _spinRngs[c]);
                    var metropolis = _metropolis[c];
                    metropolis.SetSpins(spins);
                    for (int s = 0; s < Sweeps; s++) metropolis.Sweep();
                    metropolis.Spins.CopyTo(spins);
                });
            }
        }
        _model.SampleGivenSpins(_spins, x, _fieldRngs);
        _moves++;
    }
}

using SpinFlow.Lattice;
using SpinFlow.Randomness;

namespace SpinFlow.MonteCarlo;

/// <summary>Wolff cluster update of the XY model by embedding: reflect a cluster of spins across a random line.</summary>
/// <remarks>
/// Each cluster draws a unit vector r at a uniformly random angle. With p_i = s_i·r, the reflection
/// s → s − 2(s·r)r changes the bond energy of i, j by 2p_ip_j when only one of them flips, so the embedded Ising
/// model has couplings p_ip_j: a bond joins with probability 1 − exp(−2p_ip_j/T) when p_ip_j &gt; 0. Sites already in
/// the cluster have their projection reversed, which excludes them without a marker. A sweep is a fixed number of
/// clusters (<see cref="ClusterCalibration"/>). Reflected vectors are pulled back to unit length by one Newton step.
/// </remarks>
public sealed class XyWolff : IAngleSampler
{
    private readonly int _size;
    private readonly int _sites;
    private readonly double[] _cos;
    private readonly double[] _sin;
    private readonly double[] _angles;
    private readonly double _twoBeta;
    private readonly int[] _queue;
    private readonly double[] _projection;
    private readonly Xoshiro256 _rng;
    private readonly ClusterCalibration _calibration;
    private readonly Func<int> _flip;
    private long _spinUpdates;

    /// <summary>Sampler on the L×L lattice at temperature T, started from uniformly random angles drawn from <paramref name="seed"/>.</summary>
    public XyWolff(int size, double temperature, ulong seed)
    {
        SamplerGuards.CheckSize(size);
        SamplerGuards.CheckTemperature(temperature);
        _size = size;
        _sites = size * size;
        Temperature = temperature;
        _twoBeta = 2 / temperature;
        _cos = new double[_sites];
        _sin = new double[_sites];
        _angles = new double[_sites];
        var init = new Xoshiro256(seed);
        for (int i = 0; i < _sites; i++) (_sin[i], _cos[i]) = Math.SinCos(2 * Math.PI * init.NextDouble());
        _queue = new int[_sites];
        _projection = new double[_sites];
        _rng = Xoshiro256.ForStream(seed, 0);
        _calibration = new ClusterCalibration(_sites);
        _flip = FlipCluster;
    }

    /// <inheritdoc />
    public SpinModel Model => SpinModel.Xy;

    /// <inheritdoc />
    public int Size => _size;

    /// <inheritdoc />
    public double Temperature { get; }

    /// <inheritdoc />
    public int TuningSweeps => ClusterCalibration.Sweeps;

    /// <inheritdoc />
    public long SpinUpdates => _spinUpdates;

    /// <summary>Clusters per sweep once calibrated (0 while calibrating).</summary>
    public int ClustersPerSweep => _calibration.ClustersPerSweep;

    /// <summary>The spins' x components cos θ_i.</summary>
    public ReadOnlySpan<double> Cos => _cos;

    /// <summary>The spins' y components sin θ_i.</summary>
    public ReadOnlySpan<double> Sin => _sin;

    /// <summary>Replaces the configuration by the unit spins (<paramref name="cos"/>, <paramref name="sin"/>) (L×L, row-major).</summary>
    public void SetSpins(ReadOnlySpan<double> cos, ReadOnlySpan<double> sin)
    {
        SamplerGuards.CheckSpinBuffers(cos, sin, _sites);
        cos.CopyTo(_cos);
        sin.CopyTo(_sin);
    }

    /// <inheritdoc />
    public void Sweep() => _calibration.Sweep(_flip);

    /// <summary>Grows and reflects one cluster from a uniformly random site across a random line; returns its size.</summary>
    public int FlipCluster()
    {
        int size = _size;
        double[] cs = _cos, sn = _sin;
        var (ry, rx) = Math.SinCos(2 * Math.PI * _rng.NextDouble());
        int seed = _rng.NextInt(_sites);
        double p0 = cs[seed] * rx + sn[seed] * ry;
        Reflect(seed, p0, rx, ry);
        _queue[0] = seed;
        _projection[0] = p0;
        int head = 0, tail = 1;
        while (head < tail)
        {
            int i = _queue[head];
            double pi = _projection[head];
            head++;
            int r = i / size, c = i - r * size, row = r * size;
            Try((r == 0 ? size - 1 : r - 1) * size + c);
            Try((r == size - 1 ? 0 : r + 1) * size + c);
            Try(row + (c == 0 ? size - 1 : c - 1));
            Try(row + (c == size - 1 ? 0 : c + 1));

            void Try(int j)
            {
                double pj = cs[j] * rx + sn[j] * ry;
                double coupling = pi * pj;
                if (coupling > 0 && _rng.NextDouble() < -double.ExpM1(-_twoBeta * coupling))
                {
                    Reflect(j, pj, rx, ry);
                    _queue[tail] = j;
                    _projection[tail] = pj;
                    tail++;
                }
            }
        }
        _spinUpdates += tail;
        return tail;
    }

    private void Reflect(int i, double p, double rx, double ry)
    {
        double c = _cos[i] - 2 * p * rx, s = _sin[i] - 2 * p * ry;
        double norm = 1.5 - 0.5 * (c * c + s * s);
        _cos[i] = c * norm;
        _sin[i] = s * norm;
    }

    /// <inheritdoc />
    public AngleMeasurement Measure()
    {
        CopyAngles(_angles);
        return AngleConfiguration.Measure(_cos, _sin, _size, AngleConfiguration.VortexDensity(_angles, _size));
    }

    /// <inheritdoc />
    public void CopyAngles(Span<double> angles)
    {
        AngleConfiguration.AnglesOf(_cos, _sin, angles[.._sites]);
    }

    /// <inheritdoc />
    public void CopySpins(Span<double> cos, Span<double> sin)
    {
        SamplerGuards.CheckSpinBuffers(cos, sin, _sites);
        Cos.CopyTo(cos);
        Sin.CopyTo(sin);
    }
}

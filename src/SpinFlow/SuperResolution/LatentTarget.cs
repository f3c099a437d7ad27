using System.Diagnostics;
using SpinFlow.Flows;
using SpinFlow.Hmc;
using SpinFlow.Relaxation;

namespace SpinFlow.SuperResolution;

/// <summary>
/// Potential of latent HMC (DESIGN.md §8, paper §III C): U(z) = E_x(F(z)) − ln|det ∂F/∂z|, the relaxed-model energy
/// (<see cref="IRelaxedModel"/>: Ising, clock or XY) of the generated lattice pulled back through the flow F, with ∇U by
/// the flow's reverse pass.
/// </summary>
/// <remarks>
/// <para>
/// The density of z whose push-forward is π_x is π_x(F(z)) |det ∂F/∂z|, so U needs no p_z term: in the paper's
/// eq. 13 the −ln p_z of the effective energy cancels against the ln p_z inside −ln q(F(z)) = −ln p_z(z) + ln|det|.
/// This holds for any bijection F; training only changes how fast HMC mixes.
/// </para>
/// <para>
/// The flow runs in float32: z is rounded on entry and ∂U/∂z comes back in float32. U itself is then a
/// deterministic function of z (x = F(fl z), energies summed in double), and HMC with a deterministic
/// approximate force stays exact, because leapfrog remains volume preserving and reversible and the accept step
/// uses this U. Not thread-safe: buffers are reused between calls.
/// </para>
/// </remarks>
public sealed class LatentTarget : IDifferentiableTarget
{
    private int _batch;
    private float[] _z = [], _x = [], _gradX = [], _gradZ = [];
    private double[] _logDet = [], _energyX = [], _minusOne = [];
    private FlowTape? _tape;
    private long _forwardTicks, _energyTicks, _backwardTicks;

    /// <summary>The flow F (generation direction z → x).</summary>
    public ILatticeFlow Flow { get; }

    /// <summary>The relaxed model on the output lattice (size and temperature T_x).</summary>
    public IRelaxedModel Model { get; }

    /// <inheritdoc/>
    public int Dimension { get; }

    /// <summary>Seconds spent so far in the flow's generation passes, the model's energy (and gradient), and the flow's reverse passes.</summary>
    public LatentTargetTimes Times => new(Seconds(_forwardTicks), Seconds(_energyTicks), Seconds(_backwardTicks));

    /// <summary>x = F(z) of every row of the latest <see cref="EnergyAndGradient"/> call (empty before the first), so that a caller can measure it without a second forward pass.</summary>
    public ReadOnlySpan<float> LastOutput => _x;

    private static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;

    /// <summary>Targets π_x of <paramref name="model"/> through <paramref name="flow"/>; the flow must produce the model's configurations (same L, same values per site).</summary>
    public LatentTarget(ILatticeFlow flow, IRelaxedModel model)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(model);
        if (flow.Size != model.Size)
            throw new ArgumentException($"the flow acts on {flow.Size}×{flow.Size} but the model on {model.Size}×{model.Size}", nameof(model));
        int flowValues = flow.Size * flow.Size * flow.Channels;
        if (flowValues != model.Dimension)
            throw new ArgumentException($"the flow produces {flowValues} values per configuration but the {model.Model.Name} model needs {model.Dimension}", nameof(model));
        Flow = flow;
        Model = model;
        Dimension = model.Dimension;
    }

    /// <inheritdoc/>
    public void EnergyAndGradient(ReadOnlySpan<double> z, Span<double> energy, Span<double> gradient)
    {
        int batch = BatchOf(z.Length);
        if (energy.Length != batch) throw new ArgumentException($"energy has {energy.Length} entries, expected batch size {batch}", nameof(energy));
        bool withGradient = !gradient.IsEmpty;
        if (withGradient && gradient.Length != z.Length) throw new ArgumentException($"gradient has {gradient.Length} entries, expected {z.Length}", nameof(gradient));
        Ensure(batch);
        System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<double, float>(z, _z);
        long t0 = Stopwatch.GetTimestamp();
        if (!withGradient)
        {
            Flow.Generate(_z, _x, _logDet);
            long t1 = Stopwatch.GetTimestamp();
            Model.EnergyAndGradient(_x, _energyX, Span<float>.Empty);
            _forwardTicks += t1 - t0;
            _energyTicks += Stopwatch.GetTimestamp() - t1;
        }
        else
        {
            Flow.Generate(_z, _x, _logDet, _tape!);
            long t1 = Stopwatch.GetTimestamp();
            Model.EnergyAndGradient(_x, _energyX, _gradX);
            long t2 = Stopwatch.GetTimestamp();
            // ∂U/∂logDet = −1 for every row.
            Flow.Backward(_tape!, _gradX, _minusOne, _gradZ);
            System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<float, double>(_gradZ, gradient);
            _forwardTicks += t1 - t0;
            _energyTicks += t2 - t1;
            _backwardTicks += Stopwatch.GetTimestamp() - t2;
        }
        for (int b = 0; b < batch; b++) energy[b] = _energyX[b] - _logDet[b];
    }

    /// <summary>
    /// x = F(z) (float32, batch × N) and, per row, E_x(x) and ln|det ∂F/∂z|, for measurements and Metropolis weights.
    /// </summary>
    public void Generate(ReadOnlySpan<double> z, Span<float> x, Span<double> energyX, Span<double> logDet)
    {
        int batch = BatchOf(z.Length);
        if (x.Length != z.Length) throw new ArgumentException($"x needs {z.Length} entries", nameof(x));
        if (energyX.Length != batch || logDet.Length != batch) throw new ArgumentException($"energyX and logDet need {batch} entries");
        Ensure(batch);
        System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<double, float>(z, _z);
        long t0 = Stopwatch.GetTimestamp();
        Flow.Generate(_z, x, logDet);
        long t1 = Stopwatch.GetTimestamp();
        Model.EnergyAndGradient(x, energyX, Span<float>.Empty);
        _forwardTicks += t1 - t0;
        _energyTicks += Stopwatch.GetTimestamp() - t1;
    }

    private int BatchOf(int length)
    {
        if (length == 0 || length % Dimension != 0)
            throw new ArgumentException($"batch length {length} is not a positive multiple of the dimension {Dimension}");
        return length / Dimension;
    }

    private void Ensure(int batch)
    {
        if (batch == _batch) return;
        int total = batch * Dimension;
        _z = new float[total];
        _x = new float[total];
        _gradX = new float[total];
        _gradZ = new float[total];
        _logDet = new double[batch];
        _energyX = new double[batch];
        _minusOne = Enumerable.Repeat(-1.0, batch).ToArray();
        _tape = Flow.CreateTape(batch);
        _batch = batch;
    }
}

/// <summary>Cumulative seconds of a <see cref="LatentTarget"/>: flow generation passes, model energy (and gradient), flow reverse passes.</summary>
public readonly record struct LatentTargetTimes(double Forward, double Energy, double Backward)
{
    /// <summary>The time spent between an earlier reading <paramref name="before"/> and this one.</summary>
    public LatentTargetTimes Since(LatentTargetTimes before) => new(Forward - before.Forward, Energy - before.Energy, Backward - before.Backward);

    /// <summary>Sum of the three.</summary>
    public double Total => Forward + Energy + Backward;
}

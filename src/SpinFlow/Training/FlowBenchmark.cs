using System.Diagnostics;
using SpinFlow.Flows;
using SpinFlow.Lattice;
using SpinFlow.Randomness;
using SpinFlow.Relaxation;

namespace SpinFlow.Training;

/// <summary>What <see cref="FlowBenchmark"/> times.</summary>
public enum FlowBenchmarkMode
{
    /// <summary>Full reverse-KL training steps: taped generation, energy, backward, Adam.</summary>
    Train,
    /// <summary>Generation only (sampling, no tape, no gradients).</summary>
    Generate,
}

/// <summary>Settings of a flow benchmark; validated on construction.</summary>
public sealed record FlowBenchmarkOptions
{
    /// <summary>Architecture to time.</summary>
    public FlowArchitecture Architecture { get; }
    /// <summary>Lattice side of the flow (for super-resolution, the output size 2L).</summary>
    public int Size { get; }
    /// <summary>Samples per step.</summary>
    public int Batch { get; }
    /// <summary>Timed steps.</summary>
    public int Steps { get; }
    /// <summary>Untimed steps first (JIT, caches, page faults).</summary>
    public int Warmup { get; }
    /// <summary>Worker threads of the flow.</summary>
    public int Threads { get; }
    /// <summary>What is timed.</summary>
    public FlowBenchmarkMode Mode { get; }
    /// <summary>Seed of parameters and latents.</summary>
    public ulong Seed { get; }

    /// <summary>Validates and stores the settings.</summary>
    public FlowBenchmarkOptions(FlowArchitecture architecture, int size, int batch, int steps, int warmup = 2, int threads = 1,
        FlowBenchmarkMode mode = FlowBenchmarkMode.Train, ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        architecture.ValidateSize(size);
        if (batch < 1 || batch > 1 << 20) throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be between 1 and 2²⁰");
        if ((long)batch * size * size * architecture.Channels > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch × L²·C is too large");
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be at least 1");
        if (warmup < 0) throw new ArgumentOutOfRangeException(nameof(warmup), warmup, "warm-up steps must be non-negative");
        if (threads < 1 || threads > 256) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be between 1 and 256");
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown mode");
        Architecture = architecture;
        Size = size;
        Batch = batch;
        Steps = steps;
        Warmup = warmup;
        Threads = threads;
        Mode = mode;
        Seed = seed;
    }
}

/// <summary>Timings of a flow benchmark (milliseconds per step; FLOP counts are the MLPs' multiply–adds × 2).</summary>
/// <param name="Options">What was run.</param>
/// <param name="Parameters">Parameter count of the flow.</param>
/// <param name="Energy">Name of the target energy (training mode).</param>
/// <param name="MedianMs">Median wall time per step.</param>
/// <param name="MinMs">Fastest step.</param>
/// <param name="MeanMs">Mean wall time per step.</param>
/// <param name="MlpFlopsPerStep">MLP FLOPs per step: 4 forward passes' worth when training (generation, recomputation in the backward pass, and 2× for the backward products), 1 when generating.</param>
/// <param name="Gflops">MlpFlopsPerStep / median step time.</param>
/// <param name="GenerateMs">Median taped generation time (training) or generation time.</param>
/// <param name="EnergyMs">Median energy + gradient time.</param>
/// <param name="BackwardMs">Median reverse-pass time.</param>
/// <param name="OptimizerMs">Median Adam time.</param>
/// <param name="SamplesPerSecond">Batch / median step time.</param>
/// <param name="TapeBytes">Bytes of the reverse-mode tape.</param>
/// <param name="PeakWorkingSetBytes">Peak working set of the process when the run ended.</param>
/// <param name="CpuMsPerStep">Process CPU time per timed step (all threads): CpuMsPerStep / MeanMs near the thread
/// count means the run had the cores to itself; near 1 on a shared machine, that the other threads hardly ran.</param>
public sealed record FlowBenchmarkResult(FlowBenchmarkOptions Options, int Parameters, string Energy, double MedianMs, double MinMs, double MeanMs,
    double MlpFlopsPerStep, double Gflops, double GenerateMs, double EnergyMs, double BackwardMs, double OptimizerMs,
    double SamplesPerSecond, long TapeBytes, long PeakWorkingSetBytes, double CpuMsPerStep);

/// <summary>Times flow training steps or generation on random latents (the numbers of docs/BENCHMARKS.md).</summary>
public static class FlowBenchmark
{
    /// <summary>
    /// Runs the benchmark. Latents are N(0, 1) on every site (for a super-resolution flow this stands in for ξ; the cost
    /// does not depend on the values). <paramref name="energy"/> defaults to <see cref="DefaultEnergy"/>.
    /// </summary>
    public static FlowBenchmarkResult Run(FlowBenchmarkOptions options, ILatticeEnergy? energy = null, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var flow = Flow.Create(options.Architecture, options.Size, options.Seed);
        flow.Threads = options.Threads;
        energy ??= DefaultEnergy(options.Size);
        if (energy.Size != options.Size) throw new ArgumentException($"energy is for L = {energy.Size}, the flow for L = {options.Size}", nameof(energy));
        if (energy.Channels != flow.Channels) throw new ArgumentException($"energy is for {energy.Channels} channel(s) per site, the flow for {flow.Channels}", nameof(energy));
        int n = options.Size * options.Size * flow.Channels;
        // A few distinct latent batches, drawn up front so that sampling them is not timed.
        var rng = new Xoshiro256(options.Seed ^ 0x5EED);
        var latents = new float[Math.Min(4, options.Steps + options.Warmup)][];
        for (int i = 0; i < latents.Length; i++)
        {
            latents[i] = new float[options.Batch * n];
            rng.FillGaussian(latents[i]);
        }
        int total = options.Warmup + options.Steps;
        var step = new double[options.Steps];
        var gen = new double[options.Steps];
        var en = new double[options.Steps];
        var back = new double[options.Steps];
        var opt = new double[options.Steps];
        long tapeBytes = 0;
        var process = Process.GetCurrentProcess();
        TimeSpan cpuStart = TimeSpan.Zero;
        double forwardFlops = flow.MlpFlopsPerSample() * options.Batch;
        double flopsPerStep;

        if (options.Mode == FlowBenchmarkMode.Train)
        {
            var trainer = new ReverseKlTrainer(flow, energy, new Adam(flow.ParameterCount), options.Batch);
            tapeBytes = trainer.TapeBytes;
            for (int s = 0; s < total; s++)
            {
                if (s == options.Warmup) cpuStart = CpuTime(process);
                long t0 = Stopwatch.GetTimestamp();
                var r = trainer.Step(latents[s % latents.Length]);
                double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                if (s >= options.Warmup)
                {
                    int k = s - options.Warmup;
                    step[k] = ms;
                    gen[k] = r.Timing.Generate.TotalMilliseconds;
                    en[k] = r.Timing.Energy.TotalMilliseconds;
                    back[k] = r.Timing.Backward.TotalMilliseconds;
                    opt[k] = r.Timing.Optimizer.TotalMilliseconds;
                }
                progress?.Report((s + 1.0) / total);
            }
            flopsPerStep = 4 * forwardFlops;
        }
        else
        {
            var x = new float[options.Batch * n];
            var ld = new double[options.Batch];
            for (int s = 0; s < total; s++)
            {
                if (s == options.Warmup) cpuStart = CpuTime(process);
                long t0 = Stopwatch.GetTimestamp();
                flow.Generate(latents[s % latents.Length], x, ld);
                double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                if (s >= options.Warmup) step[s - options.Warmup] = gen[s - options.Warmup] = ms;
                progress?.Report((s + 1.0) / total);
            }
            flopsPerStep = forwardFlops;
        }
        double cpuMs = (CpuTime(process) - cpuStart).TotalMilliseconds / options.Steps;
        double median = Median(step);
        return new FlowBenchmarkResult(options, flow.ParameterCount, options.Mode == FlowBenchmarkMode.Train ? EnergyName(energy) : "none",
            median, step.Min(), step.Average(), flopsPerStep, flopsPerStep / (median * 1e6),
            Median(gen), Median(en), Median(back), Median(opt), options.Batch / (median / 1000), tapeBytes,
            Refreshed(process).PeakWorkingSet64, cpuMs);
    }

    private static TimeSpan CpuTime(Process p) => Refreshed(p).TotalProcessorTime;

    private static Process Refreshed(Process p)
    {
        p.Refresh();
        return p;
    }

    /// <summary>The relaxed Ising energy at T_c (FFT-based; power-of-two L), else the quadratic stand-in.</summary>
    public static ILatticeEnergy DefaultEnergy(int size) => (size & (size - 1)) == 0
        ? new RelaxedIsing(size, Exact.Onsager.CriticalTemperature)
        : new QuadraticLatticeEnergy(size, 1.0, 0.2);

    /// <summary>Temperature of the angle models' benchmark energy, near the XY model's T_BKT ≈ 0.893 (the cost hardly depends on T).</summary>
    public const double AngleModelTemperature = 0.89;

    /// <summary>
    /// The relaxed energy of <paramref name="model"/> on the L×L lattice (power-of-two L; otherwise the quadratic stand-in
    /// with the model's channels): Ising at T_c as <see cref="DefaultEnergy(int)"/>, clock:Q and xy at
    /// <see cref="AngleModelTemperature"/>.
    /// </summary>
    public static ILatticeEnergy DefaultEnergy(SpinModel model, int size)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model is IsingModel) return DefaultEnergy(size);
        return (size & (size - 1)) == 0
            ? new RelaxedAngleModel(model, size, AngleModelTemperature)
            : new QuadraticLatticeEnergy(size, 1.0, 0.2, model.Components);
    }

    /// <summary>Human-readable name of an energy for reports.</summary>
    public static string EnergyName(ILatticeEnergy e) => e switch
    {
        QuadraticLatticeEnergy q => $"quadratic stand-in (m = {q.Mass}, J = {q.Coupling}{(q.Channels != 1 ? $", {q.Channels} channels" : "")})",
        IRelaxedModel r => $"relaxed {(r.Model is IsingModel ? "Ising" : r.Model.Name)} (T = {r.Temperature:G6}, FFT)",
        _ => e.GetType().Name,
    };

    private static double Median(double[] v)
    {
        var s = (double[])v.Clone();
        Array.Sort(s);
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }
}

using System.Diagnostics;
using System.Runtime.InteropServices;
using SpinFlow.MonteCarlo;

namespace SpinFlow.Bench;

/// <summary>Quick wall-clock timing of the spin samplers at T_c, far cheaper than a BenchmarkDotNet run.</summary>
internal static partial class SamplerTiming
{
    private static bool _threadCpuTime;

    private const double CriticalTemperature = SpinFlow.Exact.Onsager.CriticalTemperature;

    /// <summary>Prints speed tables; optional arguments: sizes (e.g. 16 64 256) and "--blocks K" timed blocks per entry.</summary>
    public static void Run(ReadOnlySpan<string> args)
    {
        var sizes = new List<int>();
        int blocks = 15;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--cpu") _threadCpuTime = true;
            else if (args[i] == "--blocks") blocks = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            else sizes.Add(int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture));
        }
        if (sizes.Count == 0) sizes.AddRange([16, 32, 64, 128, 256, 512, 1024]);

        Console.WriteLine($"T = T_c = {CriticalTemperature}; {blocks} blocks of >= {BlockSeconds * 1000} ms each, best block (median in parentheses); {Environment.ProcessorCount} logical CPUs");
        Console.WriteLine(_threadCpuTime
            ? "clock: CPU time of the calling thread (time spent descheduled is not counted; the 2-thread column is meaningless)"
            : "clock: wall time");
        Console.WriteLine($"{"L",6} {"MH 1t attempts/ns",20} {"MH 2t attempts/ns",20} {"SW ns/spin/sweep",20} {"Wolff ns/flipped spin",22} {"Wolff <|C|>/N",14}");
        foreach (int size in sizes)
        {
            var (mh1, mh1Median) = Time(new Metropolis(size, CriticalTemperature, 1, 1), 20, blocks);
            var (mh2, mh2Median) = Time(new Metropolis(size, CriticalTemperature, 1, 2), 20, blocks);
            var (sw, swMedian) = Time(new SwendsenWang(size, CriticalTemperature, 1), 20, blocks);
            // Wolff starts ordered: at T_c that relaxes within a few sweeps, a random start takes far longer.
            var wolff = new Wolff(size, CriticalTemperature, 1);
            var up = new sbyte[size * size];
            Array.Fill(up, (sbyte)1);
            wolff.SetSpins(up);
            var (wo, woMedian) = Time(wolff, Wolff.CalibrationSweeps + 16, blocks);
            Console.WriteLine($"{size,6} {Cell(1 / mh1, 1 / mh1Median),20} {Cell(1 / mh2, 1 / mh2Median),20} {Cell(sw, swMedian),20} {Cell(wo, woMedian),22} {wolff.MeanClusterSize / (size * size),14:F3}");
        }
    }

    private const double BlockSeconds = 0.02;

    private static string Cell(double best, double median) => $"{best:F2} ({median:F2})";

    /// <summary>Thread-CPU time per spin of the Swendsen–Wang passes (bonds, labels, flips) at T_c, minimum over blocks of sweeps.</summary>
    public static void SwendsenWangPhases(int size, int sweeps)
    {
        _threadCpuTime = true;
        var sw = new SwendsenWang(size, CriticalTemperature, 1);
        for (int i = 0; i < 200; i++) sw.Sweep();
        double bonds = double.MaxValue, labels = double.MaxValue, flips = double.MaxValue;
        const int block = 20;
        for (int i = 0; i < sweeps / block; i++)
        {
            double b = 0, l = 0, f = 0;
            for (int j = 0; j < block; j++)
            {
                double t0 = Now();
                sw.PlaceBonds();
                double t1 = Now();
                sw.BuildClusters();
                double t2 = Now();
                sw.FlipClusters();
                double t3 = Now();
                b += t1 - t0; l += t2 - t1; f += t3 - t2;
            }
            bonds = Math.Min(bonds, b); labels = Math.Min(labels, l); flips = Math.Min(flips, f);
        }
        double per = (double)block * size * size;
        Console.WriteLine($"L = {size}: bonds {bonds / per:F2}, labels {labels / per:F2}, flips {flips / per:F2}, total {(bonds + labels + flips) / per:F2} ns/spin (thread CPU time, min over blocks of {block} sweeps)");
    }

    /// <summary>
    /// Nanoseconds per spin update after <paramref name="warmUp"/> sweeps: the best and the median of
    /// <paramref name="blocks"/> blocks. On a shared machine the best block is the closest to the code's own speed.
    /// </summary>
    private static (double Best, double Median) Time(ISpinSampler sampler, int warmUp, int blocks)
    {
        // Enough warm-up for tiered compilation to reach fully optimised code, whatever the lattice size.
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < warmUp || warm.Elapsed.TotalSeconds < 0.3; i++) sampler.Sweep();
        var perUpdate = new double[blocks];
        for (int b = 0; b < blocks; b++)
        {
            long updates0 = sampler.SpinUpdates;
            double start = Now();
            double elapsed;
            do
            {
                sampler.Sweep();
                elapsed = Now() - start;
            } while (elapsed < BlockSeconds * 1e9);
            perUpdate[b] = elapsed / (sampler.SpinUpdates - updates0);
        }
        Array.Sort(perUpdate);
        return (perUpdate[0], perUpdate[blocks / 2]);
    }

    /// <summary>Nanoseconds on the selected clock.</summary>
    private static double Now()
    {
        if (!_threadCpuTime) return Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency);
        const int ClockThreadCpuTimeId = 3;
        if (ClockGetTime(ClockThreadCpuTimeId, out var t) != 0) throw new InvalidOperationException("clock_gettime failed");
        return t.Seconds * 1e9 + t.Nanoseconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}

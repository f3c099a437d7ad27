using System.Diagnostics;
using SpinFlow.Lattice;
using SpinFlow.MonteCarlo;

namespace SpinFlow.Bench;

/// <summary>Quick wall-clock timing of the clock and XY Metropolis samplers: attempts per ns, best and median block.</summary>
internal static class AngleSamplerTiming
{
    private const double BlockSeconds = 0.02;

    /// <summary>Prints attempts/ns of clock:6 (T = 0.9), clock:4 (T = 1.1346) and XY (T = 0.9) Metropolis, with Ising Metropolis at T_c as the yardstick; optional arguments: sizes (default 64 256) and "--blocks K".</summary>
    public static void Run(ReadOnlySpan<string> args)
    {
        var sizes = new List<int>();
        int blocks = 15;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--blocks") blocks = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            else sizes.Add(int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture));
        }
        if (sizes.Count == 0) sizes.AddRange([64, 256]);
        Console.WriteLine($"wall clock; {blocks} blocks of >= {BlockSeconds * 1000} ms, best block (median in parentheses), attempts/ns; {Environment.ProcessorCount} logical CPUs");
        Console.WriteLine($"AVX2 {System.Runtime.Intrinsics.X86.Avx2.IsSupported}, AVX-512VL {System.Runtime.Intrinsics.X86.Avx512F.VL.IsSupported}, Vector512 accelerated {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}");
        Console.WriteLine($"{"L",6} {"clock:6 T=0.9",18} {"clock:4 T=1.1346",18} {"xy T=0.9",18} {"ising T_c (yardstick)",22}");
        foreach (int size in sizes)
        {
            var c6 = Time(new ClockMetropolis(new ClockModel(6), size, 0.9, 2), blocks);
            var c4 = Time(new ClockMetropolis(new ClockModel(4), size, 1.1346, 2), blocks);
            var xy = Time(new XyMetropolis(size, 0.9, 2), blocks);
            var ising = Time(new Metropolis(size, SpinFlow.Exact.Onsager.CriticalTemperature, 2), blocks);
            Console.WriteLine($"{size,6} {Cell(c6),18} {Cell(c4),18} {Cell(xy),18} {Cell(ising),22}");
        }
    }

    private static string Cell((double Best, double Median) t) => $"{t.Best:F3} ({t.Median:F3})";

    private static (double Best, double Median) Time(IAngleSampler sampler, int blocks) => Time(sampler.Sweep, () => sampler.SpinUpdates, sampler.TuningSweeps, blocks);

    private static (double Best, double Median) Time(ISpinSampler sampler, int blocks) => Time(sampler.Sweep, () => sampler.SpinUpdates, 0, blocks);

    private static (double Best, double Median) Time(Action sweep, Func<long> updates, int tuningSweeps, int blocks)
    {
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < tuningSweeps + 20 || warm.Elapsed.TotalSeconds < 0.3; i++) sweep();
        var speed = new double[blocks];
        for (int b = 0; b < blocks; b++)
        {
            long updates0 = updates();
            long start = Stopwatch.GetTimestamp();
            double elapsed;
            do
            {
                sweep();
                elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            } while (elapsed < BlockSeconds);
            speed[b] = (updates() - updates0) / (elapsed * 1e9);
        }
        Array.Sort(speed);
        return (speed[^1], speed[blocks / 2]);
    }
}

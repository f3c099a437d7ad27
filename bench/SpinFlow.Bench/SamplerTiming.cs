using System.Diagnostics;
using SpinFlow.MonteCarlo;

namespace SpinFlow.Bench;

/// <summary>Quick wall-clock timing of the spin samplers at T_c, far cheaper than a BenchmarkDotNet run.</summary>
internal static class SamplerTiming
{
    private const double CriticalTemperature = 2.269185314213022;

    /// <summary>Prints speed tables; optional arguments: sizes (e.g. 16 64 256) and "--seconds X" per measurement.</summary>
    public static void Run(ReadOnlySpan<string> args)
    {
        var sizes = new List<int>();
        double seconds = 0.5;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--seconds") seconds = double.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
            else sizes.Add(int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture));
        }
        if (sizes.Count == 0) sizes.AddRange([16, 32, 64, 128, 256, 512, 1024]);

        Console.WriteLine($"T = T_c = {CriticalTemperature}, {seconds} s per measurement (best of 3), {Environment.ProcessorCount} logical CPUs");
        Console.WriteLine($"{"L",6} {"MH 1t att/ns",13} {"MH 2t att/ns",13} {"SW ns/spin",11} {"Wolff ns/flip",14} {"Wolff <|C|>/N",14}");
        foreach (int size in sizes)
        {
            double mh1 = 1 / Time(new Metropolis(size, CriticalTemperature, 1, 1), seconds);
            double mh2 = 1 / Time(new Metropolis(size, CriticalTemperature, 1, 2), seconds);
            double sw = Time(new SwendsenWang(size, CriticalTemperature, 1), seconds);
            var wolff = new Wolff(size, CriticalTemperature, 1);
            double wo = Time(wolff, seconds);
            Console.WriteLine($"{size,6} {mh1,13:F2} {mh2,13:F2} {sw,11:F2} {wo,14:F2} {wolff.MeanClusterSize / (size * size),14:F3}");
        }
    }

    /// <summary>Time per spin of the three Swendsen–Wang passes (bonds, labels, flips) at T_c: the minimum over blocks of sweeps, which filters out interference.</summary>
    public static void SwendsenWangPhases(int size, int sweeps)
    {
        var sw = new SwendsenWang(size, CriticalTemperature, 1);
        for (int i = 0; i < 200; i++) sw.Sweep();
        var clock = new Stopwatch();
        double bonds = double.MaxValue, labels = double.MaxValue, flips = double.MaxValue;
        const int block = 20;
        for (int i = 0; i < sweeps / block; i++)
        {
            double b = 0, l = 0, f = 0;
            for (int j = 0; j < block; j++)
            {
                clock.Restart(); sw.PlaceBonds(); b += clock.Elapsed.TotalNanoseconds;
                clock.Restart(); sw.BuildClusters(); l += clock.Elapsed.TotalNanoseconds;
                clock.Restart(); sw.FlipClusters(); f += clock.Elapsed.TotalNanoseconds;
            }
            bonds = Math.Min(bonds, b); labels = Math.Min(labels, l); flips = Math.Min(flips, f);
        }
        double per = (double)block * size * size;
        Console.WriteLine($"L = {size}: bonds {bonds / per:F2}, labels {labels / per:F2}, flips {flips / per:F2} ns/spin (min over blocks of {block} sweeps)");
    }

    /// <summary>Best-of-three nanoseconds per spin update after a warm-up (which also equilibrates the cluster samplers somewhat).</summary>
    private static double Time(ISpinSampler sampler, double seconds)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < Math.Min(0.2, seconds)) sampler.Sweep();
        double best = double.PositiveInfinity;
        for (int repeat = 0; repeat < 3; repeat++)
        {
            long updates0 = sampler.SpinUpdates;
            clock.Restart();
            do sampler.Sweep(); while (clock.Elapsed.TotalSeconds < seconds);
            double ns = clock.Elapsed.TotalNanoseconds / (sampler.SpinUpdates - updates0);
            best = Math.Min(best, ns);
        }
        return best;
    }
}

using System.Diagnostics;
using SpinFlow.Lattice;
using SpinFlow.Relaxation;

namespace SpinFlow.Bench;

/// <summary>Wall-clock cost of the clock/XY spin move of latent HMC with and without Wolff cluster reflections.</summary>
internal static class SpinMoveTiming
{
    /// <summary>Prints ms per move (one chain, K sweeps, W reflections) for xy and clock:6; arguments: L (default 128), K (default 1000), T list (default 0.7 0.85 1.0).</summary>
    public static void Run(ReadOnlySpan<string> args)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        int size = args.Length > 0 ? int.Parse(args[0], inv) : 128;
        int sweeps = args.Length > 1 ? int.Parse(args[1], inv) : 1000;
        double[] temperatures = args.Length > 2 ? [.. args[2..].ToArray().Select(a => double.Parse(a, inv))] : [0.7, 0.85, 1.0];
        Console.WriteLine($"spin move, one chain, L = {size}, K = {sweeps} sweeps; ms per move (median of 5), W = 0 vs W = 10 reflections; {Environment.ProcessorCount} logical CPUs");
        Console.WriteLine($"{"model",8} {"T",6} {"W = 0",10} {"W = 10",10} {"extra",8}");
        foreach (var model in new[] { SpinModel.Xy, SpinModel.Clock(6) })
            foreach (double t in temperatures)
            {
                var relaxed = new RelaxedAngleModel(model, size, t, maxDegreeOfParallelism: 1);
                double without = Time(relaxed, sweeps, 0), with = Time(relaxed, sweeps, 10);
                Console.WriteLine($"{model.Name,8} {t,6:F2} {without,10:F1} {with,10:F1} {100 * (with - without) / without,7:F1}%");
            }
    }

    private static double Time(RelaxedAngleModel relaxed, int sweeps, int clusters)
    {
        var move = relaxed.CreateSpinMove(1, sweeps, 5, clusters);
        var x = new double[relaxed.Dimension];
        for (int i = 0; i < 3; i++) move.Apply(x); // from x = 0 (random spins) towards equilibrium
        var times = new double[5];
        for (int i = 0; i < times.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            move.Apply(x);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return times[2];
    }
}

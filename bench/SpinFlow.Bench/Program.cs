using BenchmarkDotNet.Running;
using SpinFlow.Bench;

// "samplers" runs the quick manual timing; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "samplers")
{
    SamplerTiming.Run(args.AsSpan(1));
    return;
}
if (args.Length > 0 && args[0] == "spin-move")
{
    SpinMoveTiming.Run(args.AsSpan(1));
    return;
}
if (args.Length > 0 && args[0] == "angle-samplers")
{
    AngleSamplerTiming.Run(args.AsSpan(1));
    return;
}
if (args.Length > 1 && args[0] == "sw-phases")
{
    SamplerTiming.SwendsenWangPhases(int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture), 2000);
    return;
}
if (args.Length > 3 && args[0] == "latent-stiffness")
{
    LatentStiffness.Run(args[1], double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(SamplerTiming).Assembly).Run(args);

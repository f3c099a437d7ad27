using System.Globalization;
using SpinFlow.Flows;
using SpinFlow.IO;
using SpinFlow.Pipeline;
using SpinFlow.Relaxation;
using SpinFlow.SuperResolution;

namespace SpinFlow.Bench;

/// <summary>
/// Diagnostic for latent HMC through a pipeline's stack: the curvature of U(z) along random unit directions supported on
/// one class of latent sites (ξ, or the noises of one level), at the final latents of the run's chains. One global step
/// size is set by the stiffest class; a class far stiffer than the rest calls for a per-level step size or mass.
/// </summary>
/// <remarks>
/// Usage: <c>latent-stiffness RUN_FOLDER T SIZE</c>, e.g. <c>latent-stiffness runs/paper 2.3 128</c>.
/// Curvature vᵀ∇²U v by central differences of ∇U (h = 0.01), averaged over up to 4 chains, 3 directions per class;
/// for a random v it is about the mean of the Hessian's diagonal over the class (the largest eigenvalue can be larger).
/// </remarks>
internal static class LatentStiffness
{
    public static void Run(string runPath, double temperature, int size)
    {
        var run = RunFolder.Existing(runPath);
        int baseSize = (int)JsonFields.Number(ResultJson.Load(run.SettingsPath)["base_size"]);
        var flows = new List<Flow>();
        for (int s = baseSize; s < size; s *= 2) flows.Add(Checkpoint.Load(run.CheckpointPath(s, temperature)).CreateFlow(2 * s));
        var target = new LatentTarget(new FlowStack(flows) { Threads = Environment.ProcessorCount }, new RelaxedIsing(size, temperature));
        var (stored, count, _) = RelaxedConfigurationFile.Read(run.LatentPath(size, temperature));
        int n = size * size, chains = Math.Min(count, 4), levels = flows.Count;
        var z = new double[chains * n];
        for (int i = 0; i < z.Length; i++) z[i] = stored[i];

        var layout = new SpinFlow.Latent.SuperResolutionLatent(new SpinFlow.Latent.GaussianLatent(baseSize), levels);
        int ClassOf(int site) => layout.LevelOf(site);
        var rng = new Random(1);
        var energy = new double[chains];
        var g0 = new double[z.Length];
        var gPlus = new double[z.Length];
        var gMinus = new double[z.Length];
        target.EnergyAndGradient(z, energy, g0);
        for (int k = 0; k <= levels; k++)
        {
            var curvatures = new List<double>();
            for (int trial = 0; trial < 3; trial++)
            {
                var v = new double[z.Length];
                double norm = 0;
                for (int i = 0; i < v.Length; i++)
                    if (ClassOf(i % n) == k) { v[i] = rng.NextDouble() * 2 - 1; norm += v[i] * v[i]; }
                norm = Math.Sqrt(norm / chains);
                const double h = 1e-2;
                var zPlus = new double[z.Length];
                var zMinus = new double[z.Length];
                for (int i = 0; i < v.Length; i++) { v[i] /= norm; zPlus[i] = z[i] + h * v[i]; zMinus[i] = z[i] - h * v[i]; }
                target.EnergyAndGradient(zPlus, energy, gPlus);
                target.EnergyAndGradient(zMinus, energy, gMinus);
                double q = 0;
                for (int i = 0; i < v.Length; i++) q += (gPlus[i] - gMinus[i]) * v[i] / (2 * h);
                curvatures.Add(q / chains);
            }
            double g2 = 0;
            int sites = 0;
            for (int i = 0; i < z.Length; i++)
                if (ClassOf(i % n) == k) { g2 += g0[i] * g0[i]; sites++; }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"T = {temperature} L = {size} {(k == 0 ? "ξ" : $"noises of level {k}")}: {sites / chains} sites per chain, |∇U| rms {Math.Sqrt(g2 / sites):F3}, curvature {string.Join(", ", curvatures.Select(c => c.ToString("F2", CultureInfo.InvariantCulture)))}"));
        }
    }
}

using System.CommandLine;
using System.Diagnostics;
using SpinFlow.Flows;
using SpinFlow.IO;
using SpinFlow.Relaxation;
using SpinFlow.SuperResolution;

namespace SpinFlow.Cli.Commands;

/// <summary>
/// <c>spinflow generate</c>: writes configurations x = F(z), z ~ p_z, of a trained flow or stack of flows as a relaxed HDF5
/// file, the input of transfer learning (Flow_2L trained on what Flow_L produces, paper §III D).
/// </summary>
public static class GenerateCommand
{
    /// <summary>The <c>sampler</c> attribute of the files it writes; <c>train</c> uses it to tell generated data from relaxed samples.</summary>
    public const string SamplerName = "flow";

    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var flows = new Option<string>("--flow", "-f") { Description = "Checkpoint(s), comma-separated in generation order: Flow_L[,Flow_2L,…], or an NNRG flow first", Required = true };
        var input = new Option<string?>("--input", "-i") { Description = "HDF5 data set of the base configurations ξ of the first super-resolution flow (not with an NNRG flow first)" };
        var samples = new Option<int>("--samples", "-n") { Description = "Configurations to write", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "HDF5 file to write (dataset x, the format of 'spinflow relaxed --out')", Required = true };
        var seed = CommonOptions.Seed("Seed: batch k draws its ξ and noises from the stream (seed, k)");
        var batch = new Option<int>("--batch") { Description = "Samples generated per call", DefaultValueFactory = _ => 64 };
        var threads = new Option<int>("--threads") { Description = "Threads of the flow (0: one per core)", DefaultValueFactory = _ => 0 };
        var force = CommonOptions.Force();

        var command = new Command("generate", "Write configurations x = F(z), z ~ p_z, of a trained flow (or stack of flows) as a relaxed HDF5 file, for transfer learning")
        {
            flows, input, samples, output, seed, batch, threads, force,
        };
        command.SetAction(parse =>
        {
            int count = parse.GetValue(samples);
            if (count < 1) throw new UsageException($"--samples must be at least 1, got {count}");
            int batchSize = parse.GetValue(batch);
            if (batchSize < 1) throw new UsageException($"--batch must be at least 1, got {batchSize}");
            int threadCount = parse.GetValue(threads);
            if (threadCount < 0) throw new UsageException($"--threads must be non-negative, got {threadCount}");
            string[] paths = CommandLists.Paths("--flow", parse.GetValue(flows)!);
            string outPath = parse.GetValue(output)!;
            string? inputPath = parse.GetValue(input);
            new FilePlan(parse.GetValue(force)).Inputs("--flow", paths).Input("--input", inputPath).Output("--out", outPath).Check();
            ulong seedValue = parse.GetValue(seed);

            var checkpoints = paths.Select(Checkpoint.Load).ToArray();
            bool gaussian = checkpoints[0].Architecture is NnrgFlowOptions;
            for (int i = gaussian ? 1 : 0; i < checkpoints.Length; i++)
                if (checkpoints[i].Architecture is not SuperResolutionFlowOptions)
                    throw new UsageException($"{paths[i]} holds a {checkpoints[i].Architecture.Name} flow; only the first flow may be something other than a superres flow");
            if (gaussian && inputPath is not null) throw new UsageException($"{paths[0]} is an NNRG flow, whose latent is N(0, I): --input does not apply");
            if (!gaussian && inputPath is null) throw new UsageException("--input is required: the data set of ξ that the first super-resolution flow enlarges");

            // Each flow acts on twice the lattice of the one below it (transfer: a checkpoint runs at any size of its architecture).
            IConfigurationSource latent;
            int size;
            string baseText;
            if (gaussian)
            {
                size = checkpoints[0].Size;
                baseText = $"z ~ N(0, I) on {size}×{size}";
                latent = new GaussianConfigurations(size);
            }
            else
            {
                var (data, n, meta) = RelaxedConfigurationFile.Read(inputPath!);
                if (meta.Size * meta.Size * (long)n > data.Length) throw new InvalidDataException("data set is shorter than its declared shape");
                size = meta.Size;
                baseText = $"{n} configurations ξ of {size}×{size} from {inputPath}";
                latent = new DataSetConfigurations(data, n, size);
            }
            var members = new List<Flow>();
            for (int i = 0; i < checkpoints.Length; i++)
            {
                if (i > 0 || !gaussian) size *= 2;
                members.Add(checkpoints[i].CreateFlow(size));
                if (checkpoints[i].Architecture is SuperResolutionFlowOptions && !gaussian) latent = new SuperResolutionLatent(latent);
            }
            // A stack's latent with an NNRG flow at the bottom is N(0, I) on every site of the top lattice.
            if (gaussian) latent = new GaussianConfigurations(size);
            ILatticeFlow flow = members.Count == 1 ? members[0] : new FlowStack(members);
            flow.Threads = threadCount == 0 ? Environment.ProcessorCount : threadCount;

            double temperature = checkpoints[^1].Metadata.Temperatures.TryGetValue("x", out double t) ? t : double.NaN;
            if (double.IsNaN(temperature)) cli.Error.WriteLine($"note: {paths[^1]} records no training temperature T_x; the file's temperature is NaN");
            cli.Out.WriteLine($"generate {count} configurations of {size}×{size} with {string.Join(" → ", members.Select(m => $"{m.Architecture.Name}@{m.Size}"))} " +
                $"from {baseText}; T_x = {Format.Number(temperature, "G6")}, seed {seedValue}");
            var clock = Stopwatch.StartNew();
            float[] x = ConfigurationSampling.Sample(new GeneratedConfigurations(flow, latent), count, seedValue, batchSize);
            double shift = double.IsNaN(temperature) ? double.NaN : RelaxedIsing.DefaultShift(temperature);
            RelaxedConfigurationFile.Write(outPath, x, count, new RelaxedConfigurationMetadata(size, temperature, shift, SamplerName, seedValue));
            cli.Out.WriteLine($"wrote {outPath}: {count} × {size}×{size}; {Format.Number(clock.Elapsed.TotalSeconds, "F2")} s");
            return 0;
        });
        return command;
    }
}

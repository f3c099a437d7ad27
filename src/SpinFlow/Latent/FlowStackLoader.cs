using System.Globalization;
using SpinFlow.Flows;
using SpinFlow.IO;
using SpinFlow.Lattice;
using SpinFlow.Relaxation;

namespace SpinFlow.Latent;

/// <summary>
/// Turns a list of checkpoints (an NNRG flow may come first, every other is a superres flow Flow_L0, Flow_2L0, …) and,
/// for superres flows, the data set of their input configurations ξ into a <see cref="FlowStackSetup"/>: the one way the
/// commands load a stack. Bad combinations throw <see cref="ArgumentException"/>, bad files
/// <see cref="InvalidDataException"/>, each with a one-line message naming the file.
/// </summary>
public static class FlowStackLoader
{
    /// <summary>
    /// Loads the checkpoints at <paramref name="paths"/> (lowest flow first) and the data set at <paramref name="inputPath"/>
    /// (required for superres flows, refused after an NNRG flow). With <paramref name="inputModel"/> the data set must name
    /// a positive finite temperature T_ξ: its relaxed model (T_ξ, shift) gives ln p_z, which the samplers' importance
    /// weights and flow Metropolis need; generation does not. The spin model is the one the checkpoints record (all the
    /// same; none recorded: Ising); <paramref name="model"/>, when given (--model), must agree with it, and the data set
    /// must be of that model.
    /// </summary>
    public static FlowStackSetup Load(IReadOnlyList<string> paths, string? inputPath, bool inputModel = true, SpinModel? model = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Count == 0) throw new ArgumentException("a stack needs at least one checkpoint");
        var checkpoints = paths.Select(Checkpoint.Load).ToArray();
        var spinModel = ModelOf(paths, checkpoints, model);
        for (int i = 1; i < paths.Count; i++)
            if (checkpoints[i].Architecture is not SuperResolutionFlowOptions)
                throw new ArgumentException($"{paths[i]} holds a {checkpoints[i].Architecture.Name} flow; only the first flow of a stack may be NNRG, the others must be superres");
        if (checkpoints[0].Architecture is NnrgFlowOptions)
        {
            // NNRG first: its N(0, I) latent and every later flow's N(0, 1) noises make z ~ N(0, I) on the whole lattice.
            if (inputPath is not null) throw new ArgumentException("--input applies to superres flows; an NNRG flow draws its latent from N(0, I)");
            var members = new Flow[paths.Count];
            members[0] = checkpoints[0].CreateFlow();
            for (int i = 1; i < paths.Count; i++) members[i] = SizedAsSaved(checkpoints[i], paths[i], members[0].Size << i, i);
            ILatticeFlow top = Top(members);
            string names = string.Join(" → ", members.Select((f, i) => i == 0 ? $"NNRG {f.Size}×{f.Size}" : $"Flow_{f.Size / 2}"));
            return new FlowStackSetup(top, members, new GaussianLatent(top.Size, top.Channels), null, $"{names}: {top.Size}×{top.Size}, z ~ N(0, I) ({string.Join(", ", paths)})",
                TrainedAt(checkpoints[^1]), spinModel);
        }
        if (inputPath is null) throw new ArgumentException("superres flows need --input, the data set of input configurations ξ");
        var data = RelaxedConfigurationFile.Read(inputPath, spinModel.Name);
        var meta = data.Metadata;
        LatentFile.RefuseAsConfigurations(meta, "--input", inputPath);
        if (meta.Size * meta.Size * (long)spinModel.Components * data.Count > data.X.Length) throw new InvalidDataException($"{inputPath}: data set is shorter than its declared shape");
        if (data.Count < 1) throw new InvalidDataException($"{inputPath}: the data set holds no configurations");
        IRelaxedModel? relaxed = null;
        if (inputModel)
        {
            if (!(meta.Temperature > 0 && double.IsFinite(meta.Temperature)))
                throw new InvalidDataException($"--input {inputPath}: its temperature attribute is {Number(meta.Temperature)}, not a positive finite T_ξ");
            relaxed = RelaxedModels.Create(spinModel, meta.Size, meta.Temperature, meta.Shift);
        }
        var flows = new Flow[paths.Count];
        for (int i = 0; i < paths.Count; i++) flows[i] = SizedAsSaved(checkpoints[i], paths[i], meta.Size << (i + 1), i);
        ILatticeFlow flow = Top(flows);
        var latent = new SuperResolutionLatent(DataSetDistribution.OfFile("--input", inputPath, data.X, data.Count, meta.Size, relaxed, spinModel.Components), flows.Length);
        string chain = string.Join(" → ", flows.Select(f => $"Flow_{f.Size / 2}"));
        return new FlowStackSetup(flow, flows, latent, data,
            $"{chain}: {meta.Size}×{meta.Size} → {flow.Size}×{flow.Size}, {data.Count} inputs ξ at T_ξ = {Number(meta.Temperature)} ({inputPath})", TrainedAt(checkpoints[^1]), spinModel);
    }

    /// <summary>
    /// The model the checkpoints were trained on: every recorded one must be the same, <paramref name="given"/> must agree
    /// with it, and every flow must have the model's values per site. Unrecorded: <paramref name="given"/>, else Ising.
    /// </summary>
    private static SpinModel ModelOf(IReadOnlyList<string> paths, Checkpoint[] checkpoints, SpinModel? given)
    {
        SpinModel? recorded = null;
        string? recordedBy = null;
        for (int i = 0; i < checkpoints.Length; i++)
        {
            var m = TrainingMetadata.Read(checkpoints[i].Metadata).SpinModel;
            if (m is null) continue;
            if (recorded is not null && m != recorded)
                throw new InvalidDataException($"{paths[i]} was trained on the {m.Name} model, {recordedBy} on {recorded.Name}: a stack samples one model");
            (recorded, recordedBy) = (m, paths[i]);
        }
        if (given is not null && recorded is not null && given != recorded)
            throw new ArgumentException($"--model {given.Name} disagrees with {recordedBy}, which was trained on the {recorded.Name} model");
        var model = recorded ?? given ?? SpinModel.Ising;
        for (int i = 0; i < checkpoints.Length; i++)
            if (checkpoints[i].Architecture.Channels != model.Components)
                throw new InvalidDataException($"{paths[i]} holds a flow with {checkpoints[i].Architecture.Channels} values per site, the {model.Name} model has {model.Components}" +
                    (recorded is null ? " (the checkpoint records no model: pass --model)" : ""));
        return model;
    }

    private static double? TrainedAt(Checkpoint checkpoint) =>
        checkpoint.Metadata.Temperatures.TryGetValue("x", out double t) ? t : null;

    private static ILatticeFlow Top(Flow[] members) => members.Length == 1 ? members[0] : new FlowStack(members);

    private static string Number(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>
    /// Flow <paramref name="index"/> of a stack must run on <paramref name="size"/>×<paramref name="size"/>, the size it was
    /// saved at: another size would be transfer learning, which 'spinflow train --init' does explicitly; here it is almost
    /// surely a mix-up of checkpoints or data set.
    /// </summary>
    private static Flow SizedAsSaved(Checkpoint checkpoint, string path, int size, int index)
    {
        if (checkpoint.Size != size)
            throw new InvalidDataException(
                $"{path} is Flow_{checkpoint.Size / 2} ({checkpoint.Size / 2}×{checkpoint.Size / 2} → {checkpoint.Size}×{checkpoint.Size}), but flow {index + 1} " +
                $"of this stack must be Flow_{size / 2} ({size / 2}×{size / 2} → {size}×{size})");
        return checkpoint.CreateFlow(size);
    }
}

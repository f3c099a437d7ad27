using System.CommandLine;
using SpinFlow.Pipeline;
using SpinFlow.Pipeline.Stages;
using SpinFlow.Reporting;
using SpinFlow.SuperResolution;

namespace SpinFlow.Cli.Commands;

/// <summary><c>spinflow plot</c>: redraws figures from saved JSON (a pipeline run folder, or training histories).</summary>
public static class PlotCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var run = new Option<string?>("--run") { Description = "Pipeline run folder: redraws its figures from results.json and stages/rescale.json" };
        var figure = new Option<string>("--figure") { Description = "With --run: all, fig2, fig4, fig5, helicity (clock and xy runs), sizes (⟨m²⟩ and U₄ against L; three sizes or more) or training", DefaultValueFactory = _ => "all" };
        var history = new Option<string?>("--history") { Description = "Training histories ('spinflow train --history' files or checkpoints, comma-separated): draws their loss curves with the bounds" };
        var output = new Option<string?>("--out", "-o") { Description = "With --history: the PNG to write (default training-curves.png)" };
        var force = CommonOptions.Force();
        var command = new Command("plot", "Redraw figures from a pipeline run's JSON, or training curves from 'train --history' files") { run, figure, history, output, force };
        command.SetAction(parse =>
        {
            string? runPath = parse.GetValue(run), historyPaths = parse.GetValue(history);
            if ((runPath is null) == (historyPaths is null)) throw new UsageException("give either --run DIR or --history FILE[,FILE…]");
            if (runPath is not null && string.IsNullOrWhiteSpace(runPath)) throw new UsageException("--run needs a run folder, got an empty path");
            if (historyPaths is not null)
            {
                if (parse.GetResult(figure) is { Implicit: false }) throw new UsageException("--figure applies to --run; with --history the figure is the training curves");
                string outPath = parse.GetValue(output) ?? "training-curves.png";
                string[] paths = CommandLists.Paths("--history", historyPaths);
                new IO.FilePlan(parse.GetValue(force)).Inputs("--history", paths).Output("--out", outPath).Check();
                var curves = paths.Select(Curve).ToArray();
                TrainingCurvesFigure.Save(curves, outPath);
                cli.Out.WriteLine($"wrote {outPath}");
                return 0;
            }
            if (parse.GetValue(output) is not null) throw new UsageException("--out applies to --history; with --run the figures go into the run folder");
            string which = parse.GetValue(figure)!;
            if (which is not ("all" or "fig2" or "fig4" or "fig5" or "helicity" or "sizes" or "training")) throw new UsageException($"--figure must be all, fig2, fig4, fig5, helicity, sizes or training, not '{which}'");
            var folder = RunFolder.Existing(runPath!);
            var results = PipelineResults.FromJson(IO.ResultJson.Load(folder.ResultsPath));
            if (which is "all" or "fig2")
            {
                if (!folder.IsDone(PipelineRun.RescaleStage)) throw new FileNotFoundException($"{runPath} has no finished rescaling stage to draw fig2 from");
                RescalingFigure.Save(RescalingRecord.FromJson(folder.Load(PipelineRun.RescaleStage)), folder.RescalingFigurePath);
                cli.Out.WriteLine($"wrote {folder.RescalingFigurePath}");
            }
            if (which is "all" or "fig4")
            {
                PipelineReport.DrawConvergence(results, folder.ConvergenceFigurePath);
                cli.Out.WriteLine($"wrote {folder.ConvergenceFigurePath}");
            }
            if (which is "all" or "fig5")
            {
                PipelineReport.DrawStructureFactor(results, folder.StructureFactorFigurePath);
                cli.Out.WriteLine($"wrote {folder.StructureFactorFigurePath}");
            }
            if (which is "all" or "helicity")
            {
                if (PipelineReport.DrawHelicity(results, folder.HelicityFigurePath)) cli.Out.WriteLine($"wrote {folder.HelicityFigurePath}");
                else if (which == "helicity") throw new UsageException($"--figure helicity: {runPath} is a run of the Ising model, which has no helicity modulus");
            }
            if (which is "all" or "sizes")
            {
                bool m2 = PipelineReport.DrawSizeScaling(results, "m2", "⟨m²⟩", folder.SizeM2FigurePath);
                bool binder = PipelineReport.DrawSizeScaling(results, "binder", "U₄", folder.SizeBinderFigurePath);
                if (m2) cli.Out.WriteLine($"wrote {folder.SizeM2FigurePath}");
                if (binder) cli.Out.WriteLine($"wrote {folder.SizeBinderFigurePath}");
                if (!m2 && which == "sizes") throw new UsageException($"--figure sizes: {runPath} sampled fewer than three lattice sizes");
            }
            if (which is "all" or "training")
            {
                PipelineReport.DrawTraining(results, folder.TrainingFigurePath);
                cli.Out.WriteLine($"wrote {folder.TrainingFigurePath}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>A training curve from a <c>train --history</c> file or from a checkpoint (its recorded losses and bound).</summary>
    private static TrainingCurve Curve(string path)
    {
        var node = IO.ResultJson.Load(path);
        string label = Path.GetFileNameWithoutExtension(path);
        if (node["format"]?.GetValue<string>() == IO.Checkpoint.FormatName)
        {
            var ckpt = IO.Checkpoint.FromJson(node);
            double sites = (double)ckpt.Size * ckpt.Size;
            double bound = IO.TrainingMetadata.Read(ckpt.Metadata).BoundPerSite ?? double.NaN;
            if (ckpt.Metadata.LossHistory.Count == 0) throw new InvalidDataException($"{path} records no training steps");
            return new TrainingCurve(label, ckpt.Metadata.LossHistory.Select(l => l / sites).ToArray(), bound);
        }
        var h = TrainingHistory.FromJson(node);
        if (h.Count == 0) throw new InvalidDataException($"{path} holds no training steps");
        // Older files lack the site count; then the totals are drawn as they are.
        double n = h.Sites ?? 1;
        return new TrainingCurve(label + (h.Sites is null ? " (totals)" : ""), h["loss"].Select(v => v / n).ToArray(), h["bound"][^1] / n);
    }
}

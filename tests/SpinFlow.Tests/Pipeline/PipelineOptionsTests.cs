using SpinFlow.Pipeline;
using SpinFlow.Tests.Cli;

namespace SpinFlow.Tests.Pipeline;

public sealed class PipelineOptionsTests
{
    [Fact]
    public void PaperPresetKeepsTrainingSitesPerStepAndShrinksSamplingWithLevel()
    {
        var o = PipelineOptions.ForPreset(PipelinePreset.Paper);
        Assert.Equal([16, 32, 64, 128], Enumerable.Range(0, 4).Select(o.SizeAt));
        // Samples × output sites per training step is the same at every level.
        var sitesPerStep = Enumerable.Range(1, 3).Select(l => o.BatchAt(l) * o.SizeAt(l) * o.SizeAt(l)).Distinct();
        Assert.Single(sitesPerStep);
        Assert.Equal([o.Trajectories, o.LevelTrajectories![1], o.LevelTrajectories[2]], Enumerable.Range(1, 3).Select(o.TrajectoriesAt));
        Assert.True(o.TrajectoriesAt(3) < o.TrajectoriesAt(1));

        // Other level counts fall back to one value for every level.
        var two = PipelineOptions.ForPreset(PipelinePreset.Paper, levels: 2);
        Assert.Null(two.LevelTrajectories);
        Assert.Equal(two.Trajectories, two.TrajectoriesAt(2));

        var quick = PipelineOptions.ForPreset(PipelinePreset.Quick);
        Assert.Equal(quick.Batch, quick.BatchAt(2));
        Assert.False(quick.SettingsJson().ContainsKey("level_trajectories"));
        Assert.True(o.SettingsJson().ContainsKey("level_trajectories"));
    }

    [Fact]
    public void PerLevelSettingsNeedOneValidValuePerLevel()
    {
        var o = PipelineOptions.ForPreset(PipelinePreset.Quick);
        Assert.Throws<ArgumentException>(() => (o with { LevelTrajectories = [100] }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (o with { LevelTrajectories = [100, 4] }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (o with { LevelWarmUp = [-1, 10] }).Validate());
        (o with { LevelWarmUp = [0, 10], LevelTrajectories = [100, 50], MassPerLevel = false }).Validate();
        Assert.Equal(50, (o with { LevelTrajectories = [100, 50] }).TrajectoriesAt(2));
    }

    [Fact]
    public void CliTakesOneValueOrOnePerLevel()
    {
        var o = CliRunner.Run("pipeline", "--trajectories", "100,50,20", "--out", Path.Combine(Path.GetTempPath(), "spinflow-never-created"));
        Assert.Equal(2, o.ExitCode);
        Assert.Contains("one per level (2)", o.Stderr);
        o = CliRunner.Run("pipeline", "--warmup", "ten", "--out", Path.Combine(Path.GetTempPath(), "spinflow-never-created"));
        Assert.Equal(2, o.ExitCode);
        Assert.Single(o.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void InputLadderFeedsLevelKTheKthRungAndExcludesWarmStart()
    {
        var o = PipelineOptions.ForPreset(PipelinePreset.Paper);
        Assert.True(o.InputLadder);
        Assert.Equal(3, o.LadderRungs);
        Assert.Equal([1, 2, 3], Enumerable.Range(1, 3).Select(o.SampleRungAt));
        // Generating the training input of level k + 1 uses the rung that level k + 1 is fed.
        Assert.Equal([2, 3], Enumerable.Range(1, 2).Select(o.GenerateRungAt));
        Assert.True(o.SettingsJson().ContainsKey("input_ladder"));

        var paperWay = o with { InputLadder = false };
        Assert.Equal(1, paperWay.LadderRungs);
        Assert.All(Enumerable.Range(1, 3), l => Assert.Equal(1, paperWay.SampleRungAt(l)));
        Assert.False(paperWay.SettingsJson().ContainsKey("input_ladder"));
        Assert.Throws<ArgumentException>(() => (o with { WarmStart = true }).Validate());
        Assert.DoesNotContain(PipelineRun.LadderStage, PipelineRun.StageNames(paperWay));
        Assert.Contains(PipelineRun.DataStage(2.3, 3), PipelineRun.StageNames(o));
    }

    [Fact]
    public void MassPerLevelIsOnInBothPresetsAndNeedsAWarmUpToAdaptIn()
    {
        var paper = PipelineOptions.ForPreset(PipelinePreset.Paper);
        Assert.True(paper.MassPerLevel);
        Assert.True(PipelineOptions.ForPreset(PipelinePreset.Quick).MassPerLevel);
        Assert.True(paper.SettingsJson().ContainsKey("mass_per_level"));
        Assert.False((paper with { MassPerLevel = false }).SettingsJson().ContainsKey("mass_per_level"));
        Assert.Throws<ArgumentOutOfRangeException>(() => (paper with { LevelWarmUp = [100, 30, 3] }).Validate());
        (paper with { MassPerLevel = false, LevelWarmUp = [100, 30, 3] }).Validate();
    }

    /// <summary>The Fourier mass refines the mass per level: it needs it, and is recorded only when on (older folders still resume).</summary>
    [Fact]
    public void TheFourierMassNeedsTheMassPerLevelAndIsRecordedOnlyWhenOn()
    {
        var paper = PipelineOptions.ForPreset(PipelinePreset.Paper);
        Assert.False(paper.FourierMass);
        Assert.False(paper.SettingsJson().ContainsKey("fourier_mass"));
        Assert.True((paper with { FourierMass = true }).SettingsJson()["fourier_mass"]!.GetValue<bool>());
        Assert.Throws<ArgumentException>(() => (paper with { FourierMass = true, MassPerLevel = false }).Validate());
    }

    /// <summary>
    /// Cluster reflections belong to the clock and XY spin move: on in their presets, they need sweeps, refuse Ising,
    /// and are recorded only when on (older folders without them still resume).
    /// </summary>
    [Fact]
    public void SpinClustersAreOnInTheAnglePresetsNeedSweepsRefuseIsingAndAreRecordedOnlyWhenOn()
    {
        var xy = PipelineOptions.ForPreset(PipelinePreset.Paper, SpinFlow.Lattice.SpinModel.Xy);
        Assert.Equal(10, xy.SpinClusters);
        Assert.Equal(10, xy.SettingsJson()["spin_clusters"]!.GetValue<int>());
        Assert.Equal(10, PipelineOptions.ForPreset(PipelinePreset.Quick, SpinFlow.Lattice.SpinModel.Clock(6)).SpinClusters);
        Assert.Equal(0, PipelineOptions.ForPreset(PipelinePreset.Paper).SpinClusters);
        var without = xy with { SpinClusters = 0 };
        without.Validate();
        Assert.False(without.SettingsJson().ContainsKey("spin_clusters"));
        Assert.Throws<ArgumentException>(() => (xy with { SpinSweeps = 0 }).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => (xy with { SpinClusters = -1 }).Validate());
        Assert.Throws<ArgumentException>(() => (PipelineOptions.ForPreset(PipelinePreset.Paper) with { SpinClusters = 1 }).Validate());
    }

    [Fact]
    public void SpinSweepsAreOnInBothPresetsAndRecordedOnlyWhenSet()
    {
        var paper = PipelineOptions.ForPreset(PipelinePreset.Paper);
        Assert.Equal(1000, paper.SpinSweeps);
        Assert.Equal(1000, PipelineOptions.ForPreset(PipelinePreset.Quick).SpinSweeps);
        Assert.Equal(1000, paper.SettingsJson()["spin_sweeps"]!.GetValue<int>());
        Assert.False((paper with { SpinSweeps = 0 }).SettingsJson().ContainsKey("spin_sweeps"));
        Assert.Throws<ArgumentOutOfRangeException>(() => (paper with { SpinSweeps = -1 }).Validate());
        var o = CliRunner.Run("pipeline", "--spin-sweeps", "-3", "--out", Path.Combine(Path.GetTempPath(), "spinflow-never-created"));
        Assert.Equal(2, o.ExitCode);
        Assert.Contains("--spin-sweeps must be at least 0", o.Stderr);
        Assert.Single(o.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void TcPresetRunsSixteenToTwoFiftySixAtTcAndBesideIt()
    {
        var o = PipelineOptions.ForPreset(PipelinePreset.Tc);
        Assert.Equal("tc", o.Preset);
        Assert.Equal([16, 32, 64, 128, 256], Enumerable.Range(0, o.Levels + 1).Select(o.SizeAt));
        Assert.Equal([2.25, SpinFlow.Exact.Onsager.CriticalTemperature, 2.30], o.Temperatures);
        Assert.True(o.InputLadder && o.MassPerLevel && o.SpinSweeps > 0);
        Assert.Equal(o.Levels, o.LevelWarmUp!.Count);
        Assert.Equal(o.Levels, o.LevelTrajectories!.Count);
        Assert.Equal(o.LeapfrogSteps, o.SettingsJson()["leapfrog_steps"]!.GetValue<int>());
        // Another depth drops the per-level lists (they belong to four levels) and keeps the single values.
        var three = PipelineOptions.ForPreset(PipelinePreset.Tc, levels: 3);
        Assert.Null(three.LevelWarmUp);
        three.Validate();
        var bad = CliRunner.Run("pipeline", "--preset", "tc", "--hmc-steps", "0", "--out", Path.Combine(Path.GetTempPath(), "spinflow-never-created"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("--hmc-steps", bad.Stderr);
        var unknown = CliRunner.Run("pipeline", "--preset", "tcc", "--out", Path.Combine(Path.GetTempPath(), "spinflow-never-created"));
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("quick, paper or tc", unknown.Stderr);
        var xy = CliRunner.Run("pipeline", "--preset", "tc", "--model", "xy", "--temperature", "0.9", "--out", Path.Combine(Path.GetTempPath(), "spinflow-never-created"));
        Assert.Equal(2, xy.ExitCode);
        Assert.Contains("--preset tc", xy.Stderr);
        Assert.Throws<ArgumentException>(() => PipelineOptions.ForPreset(PipelinePreset.Tc, SpinFlow.Lattice.SpinModel.Xy));
    }

    [Fact]
    public void CliInputsChoosesLadderPaperOrWarm()
    {
        var o = CliRunner.Run("pipeline", "--inputs", "sideways", "--out", Path.Combine(Path.GetTempPath(), "spinflow-never-created"));
        Assert.Equal(2, o.ExitCode);
        Assert.Contains("--inputs must be ladder, paper or warm", o.Stderr);
        Assert.Single(o.Stderr.Trim().Split('\n'));
    }
}

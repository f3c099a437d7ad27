using SpinFlow.Flows;
using SpinFlow.IO;
using SpinFlow.Latent;
using SpinFlow.Relaxation;
using SpinFlow.Tests.SuperResolution;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.Latent;

/// <summary>The one stack loader: checkpoints (+ data set of ξ) → flow, latent, data; and its one-line refusals.</summary>
public sealed class FlowStackLoaderTests : IDisposable
{
    private const double T = 3.0;
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-stack-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private string DataSet(string name, float[] x, int size, double temperature = T)
    {
        string path = PathOf(name);
        RelaxedConfigurationFile.Write(path, x, x.Length / (size * size), new RelaxedConfigurationMetadata(size, temperature, RelaxedIsing.DefaultShift(T), "exact", 5));
        return path;
    }

    private string Xi2() => DataSet("xi2.h5", ExactSamplingTests.InputData(2, T, 16, 5).Select(v => (float)v).ToArray(), 2);

    private string SuperRes(int inputSize, ulong seed)
    {
        string path = PathOf($"flow{inputSize}-{seed}.ckpt");
        Checkpoint.Capture(SuperResolutionFlow.Create(inputSize, seed, SmallSuperRes()), metadata: new CheckpointMetadata
        {
            Temperatures = new Dictionary<string, double> { ["x"] = 2.5 },
        }).Save(path);
        return path;
    }

    private string Nnrg(int size)
    {
        string path = PathOf($"nnrg{size}.ckpt");
        Checkpoint.Capture(NnrgFlow.Create(size, 7, SmallNnrg())).Save(path);
        return path;
    }

    [Fact]
    public void SuperresStackComesWithTheLatentOfAllItsLevels()
    {
        string xi = Xi2();
        var setup = FlowStackLoader.Load([SuperRes(2, 1), SuperRes(4, 2)], xi);
        Assert.IsType<FlowStack>(setup.Flow);
        Assert.Equal([4, 8], setup.Members.Select(f => f.Size));
        var latent = Assert.IsType<SuperResolutionLatent>(setup.Latent);
        Assert.Equal((8, 2, 2), (latent.Size, latent.Levels, latent.InputSize));
        // The data set's model gives ln p_z: −E_ξ(ξ) − ½|g|².
        Assert.True(latent.HasDensity);
        var input = Assert.IsType<DataSetDistribution>(latent.Input);
        Assert.Equal((T, RelaxedIsing.DefaultShift(T)), (input.Model!.Temperature, input.Model.Shift));
        Assert.Equal(16, setup.Data!.Value.Count);
        Assert.Equal(2.5, setup.Temperature);
        Assert.Contains("Flow_2 → Flow_4: 2×2 → 8×8, 16 inputs ξ at T_ξ = 3", setup.Description);

        // Without the input model (generation) the data set's temperature is not needed.
        var plain = FlowStackLoader.Load([SuperRes(2, 1)], DataSet("nan.h5", ExactSamplingTests.InputData(2, T, 4, 5).Select(v => (float)v).ToArray(), 2, double.NaN), inputModel: false);
        Assert.False(plain.Latent.HasDensity);
        Assert.Equal(1, plain.Latent.Levels);
    }

    [Fact]
    public void NnrgFirstMeansAGaussianLatentOnTheTopLattice()
    {
        var setup = FlowStackLoader.Load([Nnrg(4), SuperRes(4, 1)], null);
        var latent = Assert.IsType<GaussianLatent>(setup.Latent);
        Assert.Equal(8, latent.Size);
        Assert.Null(setup.Data);
        Assert.Equal(2.5, setup.Temperature);
        Assert.StartsWith("NNRG 4×4 → Flow_4: 8×8, z ~ N(0, I)", setup.Description);
    }

    [Fact]
    public void BadStacksAndDataSetsAreRefusedInOneLine()
    {
        string xi = Xi2(), f2 = SuperRes(2, 1), f4 = SuperRes(4, 2), nnrg = Nnrg(4);
        void Refused<TException>(Action load, string part) where TException : Exception
        {
            var e = Assert.Throws<TException>(load);
            Assert.Contains(part, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        Refused<ArgumentException>(() => FlowStackLoader.Load([nnrg], xi), "--input applies to superres flows");
        Refused<ArgumentException>(() => FlowStackLoader.Load([f2], null), "need --input");
        Refused<ArgumentException>(() => FlowStackLoader.Load([f2, nnrg], xi), "only the first flow of a stack may be NNRG");
        Refused<InvalidDataException>(() => FlowStackLoader.Load([f4], xi), "must be Flow_2");
        Refused<InvalidDataException>(() => FlowStackLoader.Load([f2, f2], xi), "must be Flow_4");
        Refused<InvalidDataException>(() => FlowStackLoader.Load([nnrg, f2], null), "must be Flow_4");
        var x = ExactSamplingTests.InputData(2, T, 4, 5).Select(v => (float)v).ToArray();
        x[6] = float.NaN;
        Refused<InvalidDataException>(() => FlowStackLoader.Load([f2], DataSet("bad.h5", x, 2), inputModel: false), "configuration 1 holds a non-finite value");
        string noT = DataSet("t0.h5", ExactSamplingTests.InputData(2, T, 4, 5).Select(v => (float)v).ToArray(), 2, 0);
        Refused<InvalidDataException>(() => FlowStackLoader.Load([f2], noT), "not a positive finite T_ξ");
    }
}

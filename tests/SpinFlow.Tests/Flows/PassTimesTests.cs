using SpinFlow.Flows;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.Flows;

/// <summary>
/// Pass times of a stack are booked to the member flow and the kind of pass that ran: generation to Forward, inference to
/// Inverse, the reverse pass to Backward, and nothing else moves.
/// </summary>
public class PassTimesTests
{
    [Fact]
    public void EachPassIsBookedToItsKindAndToEveryMemberOfTheStack()
    {
        var stack = new FlowStack([RandomFlow(SmallSuperRes(), 8, 3), RandomFlow(SmallSuperRes(), 16, 4)]) { Threads = 1 };
        const int Batch = 4;
        int n = Batch * 16 * 16;
        var z = new float[n];
        new SpinFlow.Randomness.Xoshiro256(5).FillGaussian(z);
        var x = new float[n];
        var logDet = new double[Batch];

        var start = stack.PassTimes;
        Assert.Equal(2, start.Forward.Length);
        stack.Generate(z, x, logDet);
        var afterGenerate = stack.PassTimes.Since(start);
        Assert.All(afterGenerate.Forward, s => Assert.True(s > 0));
        Assert.All(afterGenerate.Inverse, s => Assert.Equal(0, s));
        Assert.All(afterGenerate.Backward, s => Assert.Equal(0, s));

        var before = stack.PassTimes;
        stack.Infer(x, z, logDet);
        var afterInfer = stack.PassTimes.Since(before);
        Assert.All(afterInfer.Inverse, s => Assert.True(s > 0));
        Assert.All(afterInfer.Forward, s => Assert.Equal(0, s));

        before = stack.PassTimes;
        var tape = stack.CreateTape(Batch);
        stack.Generate(z, x, logDet, tape);
        stack.Backward(tape, x, Enumerable.Repeat(-1.0, Batch).ToArray(), new float[n]);
        var afterBackward = stack.PassTimes.Since(before);
        Assert.All(afterBackward.Forward, s => Assert.True(s > 0));
        Assert.All(afterBackward.Backward, s => Assert.True(s > 0));
        Assert.All(afterBackward.Inverse, s => Assert.Equal(0, s));
        Assert.Equal(afterBackward.Forward.Sum() + afterBackward.Backward.Sum(), afterBackward.Total, 12);
    }
}

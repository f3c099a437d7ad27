using System.Runtime.Intrinsics;
using SpinFlow.MonteCarlo;
using SpinFlow.Randomness;

namespace SpinFlow.Tests.MonteCarlo;

/// <summary>The byte-at-a-time Bernoulli test decides exactly as "u &lt; t" on the 32-bit uniform its bytes form.</summary>
public class ByteThresholdTests
{
    [Theory]
    [InlineData(0.0, 0u)]
    [InlineData(0.5, 0x8000_0000u)]
    [InlineData(1.0, uint.MaxValue)]
    [InlineData(0.25, 0x4000_0000u)]
    public void ThresholdIsRoundedProbability(double p, uint expected) => Assert.Equal(expected, ByteThreshold.ToThreshold(p));

    [Fact]
    public void TieResolutionMatchesFullComparison()
    {
        // Thresholds whose lower bytes are extreme and ordinary, so every branch of the byte comparison occurs.
        foreach (uint ta in new[] { 0x12_00_FF_80u, 0xAB_CD_EF_01u, 0x80_80_80_80u })
        {
            uint tb = ta ^ 0x00_5A_A5_3Cu;
            var a = new ByteThreshold(ta / 4294967296.0);
            var b = new ByteThreshold(tb / 4294967296.0);
            Assert.Equal(ta, a.Threshold);
            Assert.Equal(tb, b.Threshold);
            var rng = new Xoshiro256(ta);
            for (int trial = 0; trial < 2000; trial++)
            {
                // Lanes alternate between the two thresholds; all lanes tie on the first byte.
                var useA = Vector256.Create(Enumerable.Range(0, 32).Select(i => i % 2 == 0 ? (sbyte)-1 : (sbyte)0).ToArray());
                var tied = Vector256<sbyte>.AllBitsSet;
                var replay = new Xoshiro256(1000UL + (ulong)trial);
                var draws = new Xoshiro256(1000UL + (ulong)trial);
                var accept = ByteThreshold.ResolveTies(draws, a, b, useA, Vector256<sbyte>.Zero, tied);
                // Rebuild each lane's 32-bit uniform: first byte equal to the threshold's, then the drawn bytes
                // (un-biased by 0x80), until the lane is decided.
                var levels = new byte[3][];
                for (int level = 0; level < 3; level++)
                {
                    var v = Vector256.Create(replay.NextUInt64(), replay.NextUInt64(), replay.NextUInt64(), replay.NextUInt64()).AsByte();
                    levels[level] = Enumerable.Range(0, 32).Select(i => (byte)(v[i] ^ 0x80)).ToArray();
                }
                for (int lane = 0; lane < 32; lane++)
                {
                    uint t = lane % 2 == 0 ? ta : tb;
                    uint u = (t & 0xFF00_0000u) | ((uint)levels[0][lane] << 16) | ((uint)levels[1][lane] << 8) | levels[2][lane];
                    Assert.Equal(u < t, accept[lane] == -1);
                }
            }
        }
    }

    [Fact]
    public void LevelsSpanTheThresholdBytes()
    {
        var t = new ByteThreshold(0x01_02_03_04u / 4294967296.0);
        Assert.Equal(unchecked((sbyte)(0x01 ^ 0x80)), t.Level0[0]);
        Assert.Equal(unchecked((sbyte)(0x02 ^ 0x80)), t.Level1[5]);
        Assert.Equal(unchecked((sbyte)(0x03 ^ 0x80)), t.Level2[31]);
        Assert.Equal(unchecked((sbyte)(0x04 ^ 0x80)), t.Level3[0]);
    }
}

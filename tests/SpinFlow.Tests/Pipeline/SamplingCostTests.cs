using System.Text.Json.Nodes;
using SpinFlow.Pipeline.Stages;

namespace SpinFlow.Tests.Pipeline;

/// <summary>
/// The cost per effective sample of a sampling record: wall × 2τ / (chains × trajectories) with τ the larger of Sokal's and
/// chains × trajectories / (2 ESS); records written before ESS or breakdowns existed still give a cost (Sokal's τ) and no breakdown.
/// </summary>
public class SamplingCostTests
{
    // Parsed from text, as stored records are read.
    private static JsonObject Record(double? ess) => JsonNode.Parse($$"""
        {
          "temperature": 2.3, "level": 1, "size": 32, "chains": 4, "trajectories": 50,
          "tau_int": { "energy": 1.5, "m2": 2.0 },
          "observables": {
            "m2": { "mean": 0.3, "error": 0.01, "tau": 2.0{{(ess is null ? "" : $", \"ess\": {ess}")}} },
            "energy": { "mean": -1.3, "error": 0.01, "tau": 1.5, "ess": 100.0 }
          },
          "seconds": 100.0
        }
        """)!.AsObject();

    [Fact]
    public void StuckChainsCostTheirEssNotTheirSokalTau()
    {
        // 200 draws, ESS 10: τ = 200 / 20 = 10 > Sokal's 2, so 100 s × 20 / 200 = 10 s per effective sample.
        var r = SamplingRecord.FromJson(Record(ess: 10));
        Assert.Equal(10, r.EffectiveTau("m2"), 12);
        Assert.True(r.TauFromEss("m2"));
        Assert.Equal(10, r.SecondsPerEffectiveSample("m2"), 12);
        // ⟨e⟩: ESS 100 gives τ = 1, below Sokal's 1.5, which is kept: 100 s × 3 / 200.
        Assert.Equal(1.5, r.EffectiveTau("energy"), 12);
        Assert.False(r.TauFromEss("energy"));
        Assert.Equal(1.5, r.SecondsPerEffectiveSample("energy"), 12);
        Assert.Null(r.TimeBreakdown);
    }

    [Fact]
    public void RecordsWithoutEssFallBackToSokal()
    {
        var r = SamplingRecord.FromJson(Record(ess: null));
        Assert.Equal(2, r.EffectiveTau("m2"), 12);
        Assert.Equal(2, r.SecondsPerEffectiveSample("m2"), 12);
        Assert.Null(r.ToJson()["time_breakdown"]);
    }
}

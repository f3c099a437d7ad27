using Spectre.Console;
using SpinFlow.Exact;
using SpinFlow.Statistics;

namespace SpinFlow.Cli;

/// <summary>The observables table every sampler prints: mean ± error, τ_int, and the exact value with the deviation in σ where one is known.</summary>
public static class ObservablesTable
{
    /// <summary>Builds the table; <paramref name="tauUnit"/> names what τ_int counts (sweeps, trajectories).</summary>
    public static Table Create(string title, IsingObservables obs, ExactReference exact, string tauUnit)
    {
        var table = new Table().Title(Markup.Escape(title));
        table.AddColumn("observable").AddColumn(new TableColumn("mean ± error").RightAligned())
            .AddColumn(new TableColumn(Markup.Escape($"τ_int ({tauUnit})")).RightAligned())
            .AddColumn(new TableColumn("exact").RightAligned()).AddColumn(new TableColumn("deviation").RightAligned());
        void Row(string name, Estimate e, double? reference) => table.AddRow(
            Markup.Escape(name), Format.WithError(e), Format.Number(e.Tau, "F2"),
            reference is double x ? Format.Number(x, "F8") : "",
            reference is double y ? Format.Number(e.DeviationSigma(y), "F1") + "σ" : "");
        Row("⟨e⟩", obs.Energy, exact.Energy);
        Row("c", obs.SpecificHeat, exact.SpecificHeat);
        Row("⟨m²⟩", obs.M2, exact.M2);
        Row("⟨|m|⟩", obs.AbsM, exact.AbsM);
        Row("χ", obs.Susceptibility, exact.Susceptibility);
        Row("U₄", obs.Binder, exact.Binder);
        return table;
    }
}

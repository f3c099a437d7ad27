using Spectre.Console;
using SpinFlow.Exact;
using SpinFlow.Statistics;

namespace SpinFlow.Cli;

/// <summary>The observables table every sampler prints: mean ± error, τ_int, and the exact value with the deviation in σ where one is known.</summary>
public static class ObservablesTable
{
    /// <summary>
    /// Builds the table; <paramref name="tauUnit"/> names what τ_int counts (sweeps, trajectories). With
    /// <paramref name="convergence"/> it also shows each observable's effective sample size and split-R̂.
    /// </summary>
    public static Table Create(string title, IsingObservables obs, ExactReference exact, string tauUnit, ConvergenceReport? convergence = null)
    {
        var table = new Table().Title(Markup.Escape(title));
        table.AddColumn("observable").AddColumn(new TableColumn("mean ± error").RightAligned())
            .AddColumn(new TableColumn(Markup.Escape($"τ_int ({tauUnit})")).RightAligned());
        if (convergence is not null) table.AddColumn(new TableColumn("ESS").RightAligned()).AddColumn(new TableColumn(Markup.Escape("R̂")).RightAligned());
        table.AddColumn(new TableColumn("exact").RightAligned()).AddColumn(new TableColumn("deviation").RightAligned());
        void Row(string name, Estimate e, double? reference, ObservableConvergence? c)
        {
            var cells = new List<string> { Markup.Escape(name), Format.WithError(e), Format.Number(e.Tau, "F2") };
            if (c is { } d) cells.AddRange([Format.Number(d.Ess, "F0"), Format.Number(d.RHat, "F3")]);
            cells.Add(reference is double x ? Format.Number(x, "F8") : "");
            cells.Add(reference is double y ? Format.Number(e.DeviationSigma(y), "F1") + "σ" : "");
            table.AddRow(cells.ToArray());
        }
        var d = convergence?.Observables;
        Row("⟨e⟩", obs.Energy, exact.Energy, d?.Energy);
        Row("c", obs.SpecificHeat, exact.SpecificHeat, d?.SpecificHeat);
        Row("⟨m²⟩", obs.M2, exact.M2, d?.M2);
        Row("⟨|m|⟩", obs.AbsM, exact.AbsM, d?.AbsM);
        Row("χ", obs.Susceptibility, exact.Susceptibility, d?.Susceptibility);
        Row("U₄", obs.Binder, exact.Binder, d?.Binder);
        return table;
    }

    /// <summary>Adds the rows of Υ and the vortex density of a clock or XY result to a table from <see cref="Create"/> (no exact values).</summary>
    public static void AddAngleRows(Table table, AngleObservables angle, ConvergenceReport? convergence)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(angle);
        foreach (var (name, e) in new[] { ("Υ", angle.Helicity), ("vortex density", angle.VortexDensity) })
        {
            var cells = new List<string> { Markup.Escape(name), Format.WithError(e), Format.Number(e.Tau, "F2") };
            if (convergence is not null) cells.AddRange(["", ""]);
            cells.AddRange(["", ""]);
            table.AddRow(cells.ToArray());
        }
    }

    /// <summary>
    /// The verdict as the terminal shows it: "converged: … (R̂ over …)" or "not converged: reasons; do not use these error bars".
    /// </summary>
    public static void WriteVerdict(CliContext cli, ConvergenceReport? convergence, string prefix = "")
    {
        if (convergence is null) return;
        cli.Out.WriteLine($"{prefix}{convergence.Verdict.Line}" + (convergence.Verdict.Converged ? $" (R̂ over {convergence.RHatBasis})" : ""));
    }
}

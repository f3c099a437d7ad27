using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using SpinFlow.Exact;
using SpinFlow.IO;

namespace SpinFlow.Cli.Commands;

/// <summary><c>spinflow exact</c>: exact finite-size results (Kaufman solution, and enumeration for L ≤ 5).</summary>
public static class ExactCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var size = CommonOptions.Size(16, "Linear lattice size L ≥ 2 (L ≤ 5 adds enumerated magnetisation moments)");
        var temperature = CommonOptions.Temperature();
        var json = CommonOptions.Json();
        var force = CommonOptions.Force();
        var command = new Command("exact", "Exact results for the periodic L×L lattice: ln Z/N, ⟨e⟩, c (and ⟨m²⟩, ⟨|m|⟩, χ, U₄ for L ≤ 5)")
        {
            size, temperature, json, force,
        };
        command.SetAction(parse =>
        {
            int l = parse.GetValue(size);
            if (l < 2) throw new UsageException($"lattice size L must be at least 2, got {l}");
            bool enumerate = l <= IsingEnumeration.MaxSize;
            double[] temperatures = TemperatureGrid.Parse(parse.GetValue(temperature)!);
            string? jsonPath = parse.GetValue(json);
            new FilePlan(parse.GetValue(force)).Output("--json", jsonPath).Check();

            var enumeration = enumerate ? new IsingEnumeration(l) : null;
            var rows = new List<JsonObject>();
            var table = new Table().Title($"exact results, periodic {l}×{l} lattice" + (enumerate ? " (enumeration of all states)" : " (Kaufman solution)"));
            table.AddColumn("T");
            foreach (var c in new[] { "ln Z/N", "⟨e⟩", "c" }) table.AddColumn(new TableColumn(Markup.Escape(c)).RightAligned());
            if (enumerate)
                foreach (var c in new[] { "⟨m²⟩", "⟨|m|⟩", "⟨m⁴⟩", "χ", "U₄" }) table.AddColumn(new TableColumn(Markup.Escape(c)).RightAligned());
            foreach (double t in temperatures)
            {
                var row = new JsonObject { ["size"] = l, ["temperature"] = t };
                var cells = new List<string> { Format.Number(t, t is >= 1e-3 and < 1e6 ? "F6" : "G6") };
                if (enumeration is null)
                {
                    var k = KaufmanSolution.Compute(l, t);
                    row["ln_z_per_site"] = ResultJson.Number(k.LnZPerSite);
                    row["energy"] = ResultJson.Number(k.Energy);
                    row["specific_heat"] = ResultJson.Number(k.SpecificHeat);
                    cells.AddRange([Format.Number(k.LnZPerSite, "F12"), Format.Number(k.Energy, "F12"), Format.Number(k.SpecificHeat, "F12")]);
                }
                else
                {
                    var e = enumeration.At(t);
                    double n = (double)l * l;
                    row["ln_z_per_site"] = ResultJson.Number(e.LnZ / n);
                    row["energy"] = ResultJson.Number(e.Energy);
                    row["specific_heat"] = ResultJson.Number(e.SpecificHeat);
                    row["m2"] = ResultJson.Number(e.M2);
                    row["abs_m"] = ResultJson.Number(e.AbsM);
                    row["m4"] = ResultJson.Number(e.M4);
                    row["susceptibility"] = ResultJson.Number(e.Susceptibility);
                    row["binder"] = ResultJson.Number(e.Binder);
                    cells.AddRange(new[] { e.LnZ / n, e.Energy, e.SpecificHeat, e.M2, e.AbsM, e.M4, e.Susceptibility, e.Binder }
                        .Select(v => Format.Number(v, "F10")));
                }
                table.AddRow(cells.ToArray());
                rows.Add(row);
            }
            cli.Console.Write(table);
            if (jsonPath is not null)
                ResultJson.Save(jsonPath, rows.Count == 1 ? rows[0] : new JsonArray(rows.Select(r => (JsonNode)r).ToArray()));
            return 0;
        });
        return command;
    }
}

using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using SpinFlow.Exact;
using SpinFlow.IO;
using SpinFlow.Lattice;

namespace SpinFlow.Cli.Commands;

/// <summary><c>spinflow exact</c>: exact finite-size results (Kaufman solution, and enumeration for L ≤ 5).</summary>
public static class ExactCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var size = CommonOptions.Size(16, "Linear lattice size L ≥ 2 (L ≤ 5 adds enumerated magnetisation moments)");
        var temperature = CommonOptions.Temperature();
        var model = CommonOptions.Model("Spin model: ising, clock:Q (clock:2 = Ising; clock:4 = two Ising models at 2T, any L; other Q by enumeration for Q^N ≤ 10⁸), xy has none");
        var json = CommonOptions.Json();
        var force = CommonOptions.Force();
        var command = new Command("exact", "Exact results for the periodic L×L lattice: ln Z/N, ⟨e⟩, c (and ⟨m²⟩, ⟨|m|⟩, χ, U₄ for L ≤ 5)")
        {
            size, temperature, model, json, force,
        };
        command.SetAction(parse =>
        {
            SpinModel spinModel = SpinModel.Parse(parse.GetValue(model)!);
            int l = parse.GetValue(size);
            if (l < 2) throw new UsageException($"lattice size L must be at least 2, got {l}");
            if (spinModel is not IsingModel)
            {
                double[] ts = TemperatureGrid.Parse(parse.GetValue(temperature)!, spinModel);
                string? path = parse.GetValue(json);
                new FilePlan(parse.GetValue(force)).Output("--json", path).Check();
                RunClock(cli, spinModel, l, ts, path);
                return 0;
            }
            bool enumerate = l <= IsingEnumeration.MaxSize;
            double[] temperatures = TemperatureGrid.Parse(parse.GetValue(temperature)!, spinModel);
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
                    cells.AddRange([Cell(k.LnZPerSite, 12), Cell(k.Energy, 12), Cell(k.SpecificHeat, 12)]);
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
                        .Select(v => Cell(v, 10)));
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

    /// <summary>
    /// Clock models: clock:2 and clock:4 from the finite-size solution on any L (clock:4 adds ⟨m²⟩ and U₄ from Ising
    /// enumeration at 2T for L ≤ 5), any clock:Q from enumeration where Q^N ≤ 10⁸ (every observable, Υ and vortices
    /// included); the XY model has no exact result.
    /// </summary>
    private static void RunClock(CliContext cli, SpinModel model, int l, double[] temperatures, string? jsonPath)
    {
        if (model is not ClockModel clock)
            throw new UsageException($"no exact results for --model {model.Name}; exact results exist for ising and clock:Q (clock:2 and clock:4 on any L, other Q on tiny lattices)");
        bool enumerate = ClockEnumeration.Feasible(clock.States, l);
        if (!enumerate && !ClockExact.HasSolution(clock))
            throw new UsageException($"no exact results for --model {model.Name} on {l}×{l}: enumeration needs Q^N ≤ {ClockEnumeration.MaxStates:G0} states (only clock:2 and clock:4 are solved on any L)");
        var columns = new List<string> { "ln Z/N", "⟨e⟩", "c" };
        bool twoIsing = !enumerate && clock.States == 4 && l <= IsingEnumeration.MaxSize;
        if (enumerate) columns.AddRange(["⟨m²⟩", "⟨|m|⟩", "⟨m⁴⟩", "χ", "U₄", "Υ", "vortex density"]);
        else if (twoIsing) columns.AddRange(["⟨m²⟩", "U₄"]);
        string method = enumerate ? "enumeration of all states" : clock.States == 2 ? "Kaufman solution" : "two Ising models at 2T, Kaufman solution";
        var table = new Table().Title($"exact results, {model.Name}, periodic {l}×{l} lattice ({method})");
        table.AddColumn("T");
        foreach (var c in columns) table.AddColumn(new TableColumn(Markup.Escape(c)).RightAligned());
        var enumerated = enumerate ? ClockEnumeration.Compute(clock, l, temperatures) : null;
        var rows = new List<JsonObject>();
        for (int i = 0; i < temperatures.Length; i++)
        {
            double t = temperatures[i];
            var row = new JsonObject { ["model"] = model.Name, ["size"] = l, ["temperature"] = t };
            var values = new List<(string Key, double Value)>();
            if (enumerated is not null)
            {
                var e = enumerated[i];
                values.AddRange([("ln_z_per_site", e.LnZ / (l * l)), ("energy", e.Energy), ("specific_heat", e.SpecificHeat), ("m2", e.M2),
                    ("abs_m", e.AbsM), ("m4", e.M4), ("susceptibility", e.Susceptibility), ("binder", e.Binder), ("helicity", e.Helicity),
                    ("vortex_density", e.VortexDensity)]);
            }
            else
            {
                var k = ClockExact.Compute(clock, l, t);
                values.AddRange([("ln_z_per_site", k.LnZPerSite), ("energy", k.Energy), ("specific_heat", k.SpecificHeat)]);
                if (twoIsing)
                {
                    var r = ClockExact.Reference(clock, l, t);
                    values.AddRange([("m2", r.M2!.Value), ("binder", r.Binder!.Value)]);
                }
            }
            var cells = new List<string> { Format.Number(t, t is >= 1e-3 and < 1e6 ? "F6" : "G6") };
            foreach (var (key, v) in values)
            {
                row[key] = ResultJson.Number(v);
                cells.Add(Cell(v, enumerate ? 10 : 12));
            }
            table.AddRow(cells.ToArray());
            rows.Add(row);
        }
        cli.Console.Write(table);
        if (jsonPath is not null)
            ResultJson.Save(jsonPath, rows.Count == 1 ? rows[0] : new JsonArray(rows.Select(r => (JsonNode)r).ToArray()));
    }

    // Fixed decimals for ordinary values; ln Z/N at T → 0 grows like 2/T and would fill a column with digits.
    private static string Cell(double v, int decimals) => Format.Number(v, Math.Abs(v) < 1e6 ? $"F{decimals}" : "G12");
}

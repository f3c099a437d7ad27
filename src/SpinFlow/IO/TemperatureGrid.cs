using System.Globalization;

namespace SpinFlow.IO;

/// <summary>Parses the temperature arguments users type: a value, a comma list, or a range <c>start:stop:count</c>.</summary>
public static class TemperatureGrid
{
    /// <summary>
    /// "2.269" → [2.269]; "2.0,2.3" → [2.0, 2.3]; "2.0:2.6:7" → 7 evenly spaced values from 2.0 to 2.6 inclusive;
    /// "tc" → [T_c] of <paramref name="model"/> (Ising when not given). Every value must be positive and finite;
    /// anything else, and "tc" for a model without an exact T_c, throws <see cref="FormatException"/>.
    /// </summary>
    public static double[] Parse(string text, Lattice.SpinModel? model = null)
    {
        model ??= Lattice.SpinModel.Ising;
        if (string.IsNullOrWhiteSpace(text)) throw new FormatException("--temperature: empty temperature");
        text = text.Trim();
        double[] values;
        if (text.Contains(':'))
        {
            var parts = text.Split(':');
            if (parts.Length != 3)
                throw new FormatException($"--temperature: malformed temperature range '{text}': expected start:stop:count, e.g. 2.0:2.6:7");
            double a = Value(parts[0], text, model), b = Value(parts[1], text, model);
            if (!int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out int count) || count < 1)
                throw new FormatException($"--temperature: malformed temperature range '{text}': count must be a positive integer");
            if (count == 1 && a != b)
                throw new FormatException($"--temperature: malformed temperature range '{text}': a count of 1 needs start = stop");
            if (b < a) throw new FormatException($"--temperature: malformed temperature range '{text}': stop must not be below start");
            values = new double[count];
            for (int i = 0; i < count; i++) values[i] = count == 1 ? a : a + (b - a) * i / (count - 1);
        }
        else
        {
            values = text.Split(',').Select(p => Value(p, text, model)).ToArray();
        }
        foreach (double t in values)
            if (!(t > 0) || double.IsInfinity(t))
                throw new FormatException($"--temperature: temperature must be positive and finite, got {t.ToString(CultureInfo.InvariantCulture)} in '{text}'");
        return values;
    }

    private static double Value(string part, string whole, Lattice.SpinModel model)
    {
        part = part.Trim();
        if (part.Equals("tc", StringComparison.OrdinalIgnoreCase))
            return model.CriticalTemperature ?? throw new FormatException(
                $"--temperature: 'tc' is the exact critical temperature, which {model.Name} does not have; give a value" +
                (model is Lattice.XyModel ? " (T_BKT ≈ 0.893)" : model is Lattice.ClockModel ? " (clock:Q ≥ 5 has two BKT transitions)" : ""));
        if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || double.IsNaN(v))
            throw new FormatException($"--temperature: malformed temperature '{part}' in '{whole}'");
        return v;
    }
}

using System.Globalization;

namespace SpinFlow.Lattice;

/// <summary>
/// The lattice spin model H = −J Σ⟨ij⟩ cos(θ_i − θ_j), J = 1, on the periodic L×L lattice: Ising (±1 bytes, today's
/// code paths), the q-state clock model (θ = 2πk/Q) or the XY model (θ continuous). Parsed once from
/// "ising", "clock:Q" or "xy" and passed down.
/// </summary>
public abstract record SpinModel
{
    /// <summary>Largest Q of the clock model (states are stored as bytes).</summary>
    public const int MaxClockStates = 256;

    /// <summary>The accepted spellings, as listed in error messages.</summary>
    public const string ValidNames = "ising, clock:Q (2 ≤ Q ≤ 256), xy";

    /// <summary>The Ising model on ±1 spins.</summary>
    public static SpinModel Ising { get; } = new IsingModel();

    /// <summary>The XY model (continuous angles).</summary>
    public static SpinModel Xy { get; } = new XyModel();

    /// <summary>The q-state clock model with <paramref name="states"/> = Q directions.</summary>
    public static SpinModel Clock(int states) => new ClockModel(states);

    /// <summary>Canonical name, the one <see cref="Parse"/> reads back ("ising", "clock:6", "xy").</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The exact critical temperature of the infinite lattice where one is known (Ising, clock:2 = Ising, clock:3 = the
    /// three-state Potts model at J = 3/2, clock:4 = two Ising models at J/2); null for the XY model and clock:Q ≥ 5,
    /// whose BKT transitions are known only numerically.
    /// </summary>
    public abstract double? CriticalTemperature { get; }

    /// <summary>Real components per site of the relaxed field x, and so the flows' channels: 1 for Ising, 2 for clock:Q and xy.</summary>
    public abstract int Components { get; }

    /// <inheritdoc />
    public sealed override string ToString() => Name;

    /// <summary>Parses "ising", "clock:Q" or "xy" (case-insensitive, surrounding blanks ignored); anything else is an <see cref="ArgumentException"/> with a one-line message.</summary>
    public static SpinModel Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant();
        if (t == "ising") return Ising;
        if (t == "xy") return Xy;
        if (t.StartsWith("clock:", StringComparison.Ordinal))
        {
            string q = t["clock:".Length..];
            if (!int.TryParse(q, NumberStyles.None, CultureInfo.InvariantCulture, out int states))
                throw new ArgumentException($"--model '{text}': Q in clock:Q must be an integer, got '{q}'");
            if (states < 2 || states > MaxClockStates)
                throw new ArgumentException($"--model '{text}': Q in clock:Q must satisfy 2 ≤ Q ≤ {MaxClockStates} (use xy for continuous angles)");
            return Clock(states);
        }
        throw new ArgumentException($"unknown --model '{text}'; valid models: {ValidNames}");
    }
}

/// <summary>The Ising model, s = ±1.</summary>
public sealed record IsingModel : SpinModel
{
    /// <inheritdoc />
    public override string Name => "ising";

    /// <inheritdoc />
    public override double? CriticalTemperature => Exact.Onsager.CriticalTemperature;

    /// <inheritdoc />
    public override int Components => 1;
}

/// <summary>The XY model, θ ∈ [0, 2π).</summary>
public sealed record XyModel : SpinModel
{
    /// <inheritdoc />
    public override string Name => "xy";

    /// <inheritdoc />
    public override double? CriticalTemperature => null;

    /// <inheritdoc />
    public override int Components => 2;
}

/// <summary>The q-state clock model, θ = 2πk/Q with k = 0 … Q − 1.</summary>
public sealed record ClockModel : SpinModel
{
    /// <summary>Model with Q = <paramref name="states"/> directions (2 ≤ Q ≤ <see cref="SpinModel.MaxClockStates"/>).</summary>
    public ClockModel(int states)
    {
        if (states < 2 || states > MaxClockStates)
            throw new ArgumentOutOfRangeException(nameof(states), states, $"clock model needs 2 ≤ Q ≤ {MaxClockStates}");
        States = states;
    }

    /// <summary>Number of directions Q.</summary>
    public int States { get; }

    /// <inheritdoc />
    public override string Name => $"clock:{States}";

    /// <inheritdoc />
    public override double? CriticalTemperature => States switch
    {
        2 => Exact.Onsager.CriticalTemperature,
        // −cos(θ_i − θ_j) = −(3/2)δ_ij + 1/2: Potts coupling 3/2, and the q = 3 Potts T_c is J/ln(1 + √3).
        3 => 1.5 / Math.Log(1 + Math.Sqrt(3)),
        4 => Exact.Onsager.CriticalTemperature / 2,
        _ => null,
    };

    /// <inheritdoc />
    public override int Components => 2;

    /// <summary>cos(2πd/Q) for d = 0 … Q − 1, with the values that are exactly 0 or ±1 made exact.</summary>
    public double[] CosTable()
    {
        var c = new double[States];
        for (int d = 0; d < States; d++) c[d] = ExactCos(d, States);
        return c;
    }

    /// <summary>sin(2πd/Q) for d = 0 … Q − 1 (exact zeros and ±1 where the angle is a multiple of π/2).</summary>
    public double[] SinTable()
    {
        var s = new double[States];
        // sin(2πd/Q) = cos(2π(d − Q/4)/Q): shift by a quarter turn in units of 1/(4Q).
        for (int d = 0; d < States; d++) s[d] = CosOfFraction(4 * d - States, 4 * States);
        return s;
    }

    private static double ExactCos(int d, int q) => CosOfFraction(4 * d, 4 * q);

    /// <summary>cos(2πn/m) for m a multiple of 4, folded to [0, π/2] so that equal |cos| values come from one computation (exact 0 and ±1).</summary>
    internal static double CosOfFraction(int n, int m)
    {
        n %= m;
        if (n < 0) n += m;
        if (2 * n > m) n = m - n;                                      // cos is even: fold to [0, π]
        if (4 * n > m) return -CosOfFraction(m / 2 - n, m);         // cos(π − x) = −cos x
        if (n == 0) return 1;
        if (4 * n == m) return 0;
        return Math.Cos(2 * Math.PI * n / m);
    }
}

namespace SpinFlow.Training;

/// <summary>Settings of <see cref="Adam"/>; validated on construction (PyTorch defaults).</summary>
public sealed record AdamOptions
{
    /// <summary>Step size α &gt; 0.</summary>
    public double LearningRate { get; }
    /// <summary>Decay of the first-moment average, 0 ≤ β₁ &lt; 1.</summary>
    public double Beta1 { get; }
    /// <summary>Decay of the second-moment average, 0 ≤ β₂ &lt; 1.</summary>
    public double Beta2 { get; }
    /// <summary>Denominator guard ε &gt; 0.</summary>
    public double Epsilon { get; }
    /// <summary>Weight decay λ ≥ 0 (0 = none).</summary>
    public double WeightDecay { get; }
    /// <summary>True: AdamW-style decay θ ← θ − αλθ; false: L2 term λθ added to the gradient (PyTorch Adam).</summary>
    public bool DecoupledWeightDecay { get; }

    /// <summary>Validates and stores the settings.</summary>
    public AdamOptions(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8,
        double weightDecay = 0, bool decoupledWeightDecay = false)
    {
        if (!(learningRate > 0) || !double.IsFinite(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "learning rate must be positive and finite");
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β₁ must be in [0, 1)");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β₂ must be in [0, 1)");
        if (!(epsilon > 0) || !double.IsFinite(epsilon)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive and finite");
        if (!(weightDecay >= 0) || !double.IsFinite(weightDecay)) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "weight decay must be non-negative and finite");
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        DecoupledWeightDecay = decoupledWeightDecay;
    }
}

/// <summary>
/// Adam optimiser (Kingma &amp; Ba) with bias correction and optional weight decay, updating a float32 parameter vector
/// in place. Moments are float32 like the parameters; the bias corrections are computed in double.
/// </summary>
public sealed class Adam
{
    private readonly float[] _m, _v;

    /// <summary>Current settings; may be replaced between steps (e.g. a learning-rate schedule).</summary>
    public AdamOptions Options { get; set; }

    /// <summary>Number of updates applied so far.</summary>
    public long Step { get; private set; }

    /// <summary>Number of parameters this optimiser updates.</summary>
    public int ParameterCount => _m.Length;

    /// <summary>First-moment estimates (read-only view, for checkpoints).</summary>
    public ReadOnlySpan<float> FirstMoment => _m;

    /// <summary>Second-moment estimates (read-only view, for checkpoints).</summary>
    public ReadOnlySpan<float> SecondMoment => _v;

    /// <summary>A fresh optimiser for <paramref name="parameterCount"/> parameters.</summary>
    public Adam(int parameterCount, AdamOptions? options = null)
    {
        if (parameterCount < 1) throw new ArgumentOutOfRangeException(nameof(parameterCount), parameterCount, "parameter count must be positive");
        _m = new float[parameterCount];
        _v = new float[parameterCount];
        Options = options ?? new AdamOptions();
    }

    /// <summary>Restores an optimiser from saved state (moments are copied).</summary>
    public static Adam Restore(AdamOptions options, long step, ReadOnlySpan<float> firstMoment, ReadOnlySpan<float> secondMoment)
    {
        if (firstMoment.Length != secondMoment.Length) throw new ArgumentException("moment vectors differ in length");
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "step must be non-negative");
        var adam = new Adam(firstMoment.Length, options) { Step = step };
        firstMoment.CopyTo(adam._m);
        secondMoment.CopyTo(adam._v);
        return adam;
    }

    /// <summary>One update θ ← θ − α·m̂/(√v̂ + ε) from the gradient of the loss.</summary>
    public void Update(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        if (parameters.Length != _m.Length || gradient.Length != _m.Length)
            throw new ArgumentException($"expected {_m.Length} parameters and gradients, got {parameters.Length} and {gradient.Length}");
        var o = Options;
        Step++;
        double c1 = 1 - Math.Pow(o.Beta1, Step);
        double c2 = 1 - Math.Pow(o.Beta2, Step);
        float b1 = (float)o.Beta1, b2 = (float)o.Beta2;
        float stepSize = (float)(o.LearningRate / c1);
        float rootC2 = (float)Math.Sqrt(c2);
        float eps = (float)o.Epsilon;
        float l2 = o.DecoupledWeightDecay ? 0f : (float)o.WeightDecay;
        float shrink = o.DecoupledWeightDecay ? (float)(1 - o.LearningRate * o.WeightDecay) : 1f;
        for (int i = 0; i < parameters.Length; i++)
        {
            float g = gradient[i] + l2 * parameters[i];
            float m = _m[i] = b1 * _m[i] + (1 - b1) * g;
            float v = _v[i] = b2 * _v[i] + (1 - b2) * g * g;
            // m̂/(√v̂ + ε) = (m/c1) / (√v/√c2 + ε)
            parameters[i] = shrink * parameters[i] - stepSize * m / (MathF.Sqrt(v) / rootC2 + eps);
        }
    }
}

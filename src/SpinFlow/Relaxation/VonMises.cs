using SpinFlow.Randomness;

namespace SpinFlow.Relaxation;

/// <summary>Exact draws from the von Mises law p(θ) ∝ exp(κ cos(θ − μ)), the XY spin given its relaxed field.</summary>
public static class VonMises
{
    /// <summary>
    /// One angle in [0, 2π) with mean direction <paramref name="mu"/> and concentration <paramref name="kappa"/> ≥ 0
    /// (Best and Fisher's rejection sampler; uniform for κ below 1e-8, where the law is uniform to double precision).
    /// </summary>
    public static double Sample(double mu, double kappa, Xoshiro256 rng)
    {
        double theta;
        if (!(kappa >= 1e-8))
        {
            theta = 2 * Math.PI * rng.NextDouble();
            return theta;
        }
        if (kappa > 1e6)
        {
            // The wrapped normal agrees with the von Mises law to O(1/κ) in its shape, far below sampling noise here.
            theta = mu + rng.NextGaussian() / Math.Sqrt(kappa);
            return Wrap(theta);
        }
        double s;
        if (kappa < 1e-5)
        {
            // The closed form below loses all digits of ρ for tiny κ; its expansion s = 1/κ + κ does not.
            s = 1 / kappa + kappa;
        }
        else
        {
            double r = 1 + Math.Sqrt(1 + 4 * kappa * kappa);
            double rho = (r - Math.Sqrt(2 * r)) / (2 * kappa);
            s = (1 + rho * rho) / (2 * rho);
        }
        double w;
        while (true)
        {
            double z = Math.Cos(Math.PI * rng.NextDouble());
            w = (1 + s * z) / (s + z);
            double y = kappa * (s - w);
            double v = rng.NextDouble();
            if (y * (2 - y) - v >= 0 || Math.Log(y / v) + 1 - y >= 0) break;
        }
        double angle = Math.Acos(Math.Clamp(w, -1, 1));
        theta = rng.NextDouble() < 0.5 ? mu - angle : mu + angle;
        return Wrap(theta);
    }

    private static double Wrap(double theta)
    {
        theta -= 2 * Math.PI * Math.Floor(theta / (2 * Math.PI));
        return theta >= 2 * Math.PI ? 0 : theta;
    }
}

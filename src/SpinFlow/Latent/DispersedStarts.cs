namespace SpinFlow.Latent;

/// <summary>
/// Makes the starting latents of several chains dispersed: when every chain's input magnetisation has the same sign,
/// every other chain is negated. p_z is even (π_ξ and the noises are symmetric under z → −z), so a negated draw is as
/// good a start; with both signs present, chains that cannot leave their sector (or a flow that treats ±ξ differently)
/// disagree, which split-R̂ then sees. Ising latents only (one value per site): for clock and XY, z → −z is the rotation
/// by π, one of a continuum (XY) or of Q (clock) symmetries, and the sign of one component says nothing about which
/// sector a chain is in, so the samplers leave those draws as they are.
/// </summary>
internal static class DispersedStarts
{
    /// <summary>
    /// Latents z (chains × S²) of <paramref name="latent"/>: the sign of each chain is that of Σ z over the input sites ξ
    /// (over all sites for a latent without input sites). Returns true when chains were negated.
    /// </summary>
    public static bool Ensure(Span<double> z, int chains, LatticeDistribution latent)
    {
        if (latent.Channels != 1) return false;
        int n = latent.Sites;
        var input = new bool[n];
        bool any = false;
        for (int i = 0; i < n; i++) any |= input[i] = latent.IsInputSite(i / latent.Size, i % latent.Size);
        var signs = new bool[chains];
        for (int c = 0; c < chains; c++)
        {
            double sum = 0;
            var row = z.Slice(c * n, n);
            for (int i = 0; i < n; i++) if (input[i] || !any) sum += row[i];
            signs[c] = sum >= 0;
        }
        if (!NeedsFlip(signs)) return false;
        for (int c = 1; c < chains; c += 2)
            foreach (ref double v in z.Slice(c * n, n)) v = -v;
        return true;
    }

    /// <summary>
    /// Flow Metropolis keeps ξ (chains × L0²) and the noises g (chains × G) apart; the sign is that of Σ ξ, and a negated
    /// chain has both negated. Returns true when chains were negated.
    /// </summary>
    public static bool Ensure(Span<double> xi, Span<double> g, int chains)
    {
        int l2 = xi.Length / chains, ng = g.Length / chains;
        var signs = new bool[chains];
        for (int c = 0; c < chains; c++)
        {
            double sum = 0;
            foreach (double v in xi.Slice(c * l2, l2)) sum += v;
            signs[c] = sum >= 0;
        }
        if (!NeedsFlip(signs)) return false;
        for (int c = 1; c < chains; c += 2)
        {
            foreach (ref double v in xi.Slice(c * l2, l2)) v = -v;
            foreach (ref double v in g.Slice(c * ng, ng)) v = -v;
        }
        return true;
    }

    // Only when one sign is missing: draws that already show both signs stay exactly as drawn.
    private static bool NeedsFlip(bool[] positive) => positive.Length >= 2 && (positive.All(p => p) || positive.All(p => !p));
}

using SpinFlow.Flows;

namespace SpinFlow.Tests.Flows;

/// <summary>
/// A direct, unoptimised reading of the flow's definition for the tests to compare against: plaquette by plaquette, the
/// 4C-vector (entry k·C + c for site k, channel c) goes through the couplings with full-width PyTorch nets in the flat
/// parameter layout, the transformed sites' entries zeroed at the input and the conditioner's outputs ignored. Shares
/// nothing with the kernels but <see cref="PlaquetteLayer.Sites"/> and <see cref="RealNvpBijector.Mask"/>.
/// </summary>
internal static class NaiveRealNvp
{
    /// <summary>x = f(z) and ln|det ∂x/∂z| for one sample (L²·C values, channel-minor).</summary>
    public static (double[] X, double LogDet) Generate(Flow flow, double[] z)
    {
        var o = flow.Architecture.Bijector;
        int ch = o.Channels, e = o.PlaquetteEntries;
        var x = (double[])z.Clone();
        double logDet = 0;
        foreach (var layer in flow.Layers)
        {
            int[] sites = layer.Sites();
            int offset = layer.Bijector * o.ParameterCount;
            for (int q = 0; q < layer.PlaquetteCount; q++)
            {
                var v = new double[e];
                for (int k = 0; k < 4; k++)
                    for (int c = 0; c < ch; c++) v[k * ch + c] = x[sites[4 * q + k] * ch + c];
                for (int j = 0; j < o.Couplings; j++) logDet += Coupling(o, flow.Parameters, offset + j * o.ParametersPerCoupling, j, v);
                for (int k = 0; k < 4; k++)
                    for (int c = 0; c < ch; c++) x[sites[4 * q + k] * ch + c] = v[k * ch + c];
            }
        }
        return (x, logDet);
    }

    private static double Coupling(RealNvpOptions o, float[] p, int start, int j, double[] v)
    {
        int ch = o.Channels, e = o.PlaquetteEntries;
        var (_, _, t0, t1) = RealNvpBijector.Mask(j);
        bool Transformed(int entry) => entry / ch == t0 || entry / ch == t1;
        var u = new double[e];
        for (int i = 0; i < e; i++) u[i] = Transformed(i) ? 0 : v[i];
        var minusU = u.Select(a => -a).ToArray();
        int sNet = start, tNet = start + o.ParametersPerNet, aStart = start + 2 * o.ParametersPerNet;
        double[] s = Net(o, p, sNet, u), t = Net(o, p, tNet, u);
        if (o.Equivariant)
        {
            double[] sm = Net(o, p, sNet, minusU), tm = Net(o, p, tNet, minusU);
            for (int i = 0; i < e; i++) { s[i] = 0.5 * (s[i] + sm[i]); t[i] = 0.5 * (t[i] - tm[i]); }
        }
        double logDet = 0;
        for (int i = 0; i < e; i++)
        {
            if (!Transformed(i)) continue;
            double si = p[aStart + i] * Math.Tanh(s[i]);
            v[i] = v[i] * Math.Exp(si) + t[i];
            logDet += si;
        }
        return logDet;
    }

    /// <summary>Linear(4C, h), ELU, (Linear(h, h), ELU)×(n_mlp − 1), Linear(h, 4C); weights [out, in] row-major, then biases.</summary>
    private static double[] Net(RealNvpOptions o, float[] p, int at, double[] input)
    {
        double[] a = input;
        int nIn = o.PlaquetteEntries;
        for (int l = 0; l <= o.MlpLayers; l++)
        {
            bool output = l == o.MlpLayers;
            int nOut = output ? o.PlaquetteEntries : o.Hidden;
            var y = new double[nOut];
            for (int r = 0; r < nOut; r++)
            {
                double sum = p[at + nOut * nIn + r];
                for (int k = 0; k < nIn; k++) sum += p[at + r * nIn + k] * a[k];
                y[r] = output ? sum : (sum > 0 ? sum : Math.Exp(sum) - 1);
            }
            at += nOut * nIn + nOut;
            a = y;
            nIn = nOut;
        }
        return a;
    }
}

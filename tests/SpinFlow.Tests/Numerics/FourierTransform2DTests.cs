using SpinFlow.Numerics;
using SpinFlow.Randomness;

namespace SpinFlow.Tests.Numerics;

public class FourierTransform2DTests
{
    private static (double[] Re, double[] Im) Random(int n, ulong seed)
    {
        var rng = new Xoshiro256(seed);
        var re = new double[n];
        var im = new double[n];
        rng.FillGaussian(re);
        rng.FillGaussian(im);
        return (re, im);
    }

    private static (double[] Re, double[] Im) NaiveDft(double[] re, double[] im, int l, int sign)
    {
        var outRe = new double[l * l];
        var outIm = new double[l * l];
        for (int ky = 0; ky < l; ky++)
            for (int kx = 0; kx < l; kx++)
            {
                double sr = 0, si = 0;
                for (int r = 0; r < l; r++)
                    for (int c = 0; c < l; c++)
                    {
                        double a = sign * 2 * Math.PI * (((long)ky * r + (long)kx * c) % l) / l;
                        double cr = Math.Cos(a), ci = Math.Sin(a);
                        sr += re[r * l + c] * cr - im[r * l + c] * ci;
                        si += re[r * l + c] * ci + im[r * l + c] * cr;
                    }
                outRe[ky * l + kx] = sr;
                outIm[ky * l + kx] = si;
            }
        return (outRe, outIm);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(32)]
    public void ForwardMatchesNaiveDft(int l)
    {
        var (re, im) = Random(l * l, 3);
        var (er, ei) = NaiveDft(re, im, l, -1);
        var fft = new FourierTransform2D(l);
        fft.Forward(re, im);
        double tol = 1e-12 * l * l;
        for (int i = 0; i < l * l; i++)
        {
            Assert.Equal(er[i], re[i], tol);
            Assert.Equal(ei[i], im[i], tol);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    [InlineData(64)]
    public void InverseUndoesForward(int l)
    {
        var (re, im) = Random(l * l, 5);
        var (r0, i0) = ((double[])re.Clone(), (double[])im.Clone());
        var fft = new FourierTransform2D(l);
        fft.Forward(re, im);
        fft.Inverse(re, im);
        for (int i = 0; i < l * l; i++)
        {
            Assert.Equal(r0[i], re[i], 1e-12);
            Assert.Equal(i0[i], im[i], 1e-12);
        }
        fft.ForwardPermuted(re, im);
        fft.InversePermuted(re, im);
        for (int i = 0; i < l * l; i++) Assert.Equal(r0[i], re[i], 1e-12);
    }

    [Fact]
    public void InverseMatchesNaiveDft()
    {
        int l = 8;
        var (re, im) = Random(l * l, 6);
        var (er, ei) = NaiveDft(re, im, l, +1);
        new FourierTransform2D(l).Inverse(re, im);
        for (int i = 0; i < l * l; i++)
        {
            Assert.Equal(er[i] / (l * l), re[i], 1e-13);
            Assert.Equal(ei[i] / (l * l), im[i], 1e-13);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(16)]
    public void PermutedIndexLocatesEachWaveVector(int l)
    {
        var (re, im) = Random(l * l, 7);
        var fft = new FourierTransform2D(l);
        var (pr, pi) = ((double[])re.Clone(), (double[])im.Clone());
        fft.Forward(re, im);
        fft.ForwardPermuted(pr, pi);
        var seen = new bool[l * l];
        for (int ky = 0; ky < l; ky++)
            for (int kx = 0; kx < l; kx++)
            {
                int p = fft.PermutedIndex(ky, kx);
                Assert.False(seen[p]);
                seen[p] = true;
                Assert.Equal(re[ky * l + kx], pr[p], 1e-12);
                Assert.Equal(im[ky * l + kx], pi[p], 1e-12);
            }
    }

    [Fact]
    public void CirculantOfPackedRealFieldsIsTwoCircularConvolutions()
    {
        // Kernel h: symmetric (h(d) = h(−d)) so its spectrum is real and even.
        int l = 8, n = l * l;
        var rng = new Xoshiro256(11);
        var h = new double[n];
        for (int dy = 0; dy < l; dy++)
            for (int dx = 0; dx < l; dx++)
            {
                int my = (l - dy) % l, mx = (l - dx) % l;
                int i = dy * l + dx, j = my * l + mx;
                if (j < i) continue;
                h[i] = h[j] = rng.NextGaussian();
            }
        var fft = new FourierTransform2D(l);
        var (hr, hi) = ((double[])h.Clone(), new double[n]);
        fft.ForwardPermuted(hr, hi);
        foreach (double v in hi) Assert.Equal(0, v, 1e-12);
        var (a, b) = Random(n, 12);
        var (re, im) = ((double[])a.Clone(), (double[])b.Clone());
        fft.ApplyCirculant(re, im, hr);
        for (int r = 0; r < l; r++)
            for (int c = 0; c < l; c++)
            {
                double ya = 0, yb = 0;
                for (int r2 = 0; r2 < l; r2++)
                    for (int c2 = 0; c2 < l; c2++)
                    {
                        double k = h[((r - r2 + l) % l) * l + (c - c2 + l) % l];
                        ya += k * a[r2 * l + c2];
                        yb += k * b[r2 * l + c2];
                    }
                Assert.Equal(ya, re[r * l + c], 1e-12);
                Assert.Equal(yb, im[r * l + c], 1e-12);
            }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(12)]
    public void NonPowerOfTwoIsRejected(int l)
    {
        var e = Assert.Throws<ArgumentException>(() => new FourierTransform2D(l));
        Assert.Contains("power of two", e.Message);
    }

    [Fact]
    public void WrongSpanLengthIsRejected()
    {
        var fft = new FourierTransform2D(4);
        Assert.Throws<ArgumentException>(() => fft.Forward(new double[15], new double[16]));
    }
}

using MathNet.Numerics.LinearAlgebra;
using SpinFlow.Lattice;
using SpinFlow.Relaxation;

namespace SpinFlow.Tests.Relaxation;

/// <summary>Dense-matrix relaxed model for small L: the test reference for the FFT implementation.</summary>
internal sealed class DenseRelaxedReference
{
    public int Size { get; }
    public int Sites { get; }
    public Matrix<double> Coupling { get; }
    public Matrix<double> InverseCoupling { get; }
    public double LogDeterminant { get; }

    public DenseRelaxedReference(int size, double temperature, double shift)
    {
        Size = size;
        Sites = size * size;
        var lattice = new SquareLattice(size);
        var k = Matrix<double>.Build.Dense(Sites, Sites);
        for (int i = 0; i < Sites; i++)
        {
            // Multiplicities matter at L = 2, where right = left and up = down.
            foreach (int j in new[] { lattice.Right(i), lattice.Left(i), lattice.Down(i), lattice.Up(i) }) k[i, j] += 1 / temperature;
            k[i, i] += shift;
        }
        Coupling = k;
        var chol = k.Cholesky();
        InverseCoupling = chol.Solve(Matrix<double>.Build.DenseIdentity(Sites));
        LogDeterminant = chol.DeterminantLn;
        _coupling = k.ToArray();
    }

    private readonly double[,] _coupling;

    public double Energy(double[] x, out double[] gradient)
    {
        var v = Vector<double>.Build.DenseOfArray(x);
        var y = InverseCoupling * v;
        double e = 0.5 * v.DotProduct(y);
        gradient = new double[Sites];
        for (int i = 0; i < Sites; i++)
        {
            e -= RelaxedMath.LnCosh(x[i]);
            gradient[i] = y[i] - Math.Tanh(x[i]);
        }
        return e;
    }

    /// <summary>sᵀK's for a ±1 configuration.</summary>
    public double SpinQuadratic(ReadOnlySpan<sbyte> s)
    {
        double q = 0;
        for (int i = 0; i < Sites; i++)
        {
            if (s[i] == 0) continue;
            double row = 0;
            for (int j = 0; j < Sites; j++) row += _coupling[i, j] * s[j];
            q += s[i] * row;
        }
        return q;
    }
}

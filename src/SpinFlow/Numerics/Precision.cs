namespace SpinFlow.Numerics;

/// <summary>Conversions between the flow's float32 and the samplers' double precision.</summary>
public static class Precision
{
    /// <summary>A double copy of <paramref name="v"/> (exact: every float is a double).</summary>
    public static double[] ToDouble(ReadOnlySpan<float> v)
    {
        var d = new double[v.Length];
        System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<float, double>(v, d);
        return d;
    }

    /// <summary>A float32 copy of <paramref name="v"/>, each value rounded to the nearest float.</summary>
    public static float[] ToSingle(ReadOnlySpan<double> v)
    {
        var f = new float[v.Length];
        System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<double, float>(v, f);
        return f;
    }
}

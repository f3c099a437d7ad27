using SpinFlow.Randomness;

namespace SpinFlow.SuperResolution;

/// <summary>Draws a whole data set from an <see cref="IConfigurationSource"/> (e.g. the output of a trained flow, for transfer learning).</summary>
public static class ConfigurationSampling
{
    /// <summary>
    /// <paramref name="count"/> configurations back to back (count × S² floats), drawn in batches of <paramref name="batch"/>:
    /// batch k uses the stream (<paramref name="seed"/>, k) only, so the result depends on the seed and batch size alone.
    /// </summary>
    public static float[] Sample(IConfigurationSource source, int count, ulong seed, int batch = 64)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be positive");
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be positive");
        int n = source.Size * source.Size;
        if ((long)count * n > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(count), count, "too many configurations for one array");
        var result = new float[count * n];
        var buffer = new float[Math.Min(batch, count) * n];
        for (int k = 0, done = 0; done < count; k++)
        {
            int b = Math.Min(batch, count - done);
            // The last, shorter batch still draws a full batch so that every batch uses its stream the same way.
            source.Draw(Xoshiro256.ForStream(seed, (ulong)k), buffer);
            buffer.AsSpan(0, b * n).CopyTo(result.AsSpan(done * n, b * n));
            done += b;
        }
        return result;
    }
}

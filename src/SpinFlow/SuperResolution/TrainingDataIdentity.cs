using SpinFlow.IO;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using SpinFlow.Flows;

namespace SpinFlow.SuperResolution;

/// <summary>
/// Identity of a training data set, stored in checkpoints so that a resumed run can tell whether it was given the data it
/// started on: a SHA-256 over the configurations (float32, little-endian) and the model they sample (L, count, T_ξ, shift).
/// </summary>
/// <param name="Sha256">Hex SHA-256 of the values and the header.</param>
/// <param name="Size">Lattice side L of the configurations.</param>
/// <param name="Count">Number of configurations.</param>
/// <param name="Temperature">Temperature T_ξ of the data set.</param>
public sealed record TrainingDataIdentity(string Sha256, int Size, int Count, double Temperature)
{
    /// <summary>The identity of <paramref name="count"/> L×L configurations of <paramref name="channels"/> values per site stored back to back in <paramref name="data"/>.</summary>
    public static TrainingDataIdentity Of(ReadOnlySpan<float> data, int count, int size, double temperature, double shift, int channels = 1)
    {
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "values per site must be positive");
        long n = (long)count * size * size * channels;
        if (count < 0 || size < 1 || n > data.Length) throw new ArgumentException($"data holds {data.Length} values, fewer than {count} configurations of {size}×{size}", nameof(data));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> header = stackalloc byte[32];
        BinaryPrimitives.WriteInt64LittleEndian(header, size);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], count);
        BinaryPrimitives.WriteDoubleLittleEndian(header[16..], temperature);
        BinaryPrimitives.WriteDoubleLittleEndian(header[24..], shift);
        hash.AppendData(header);
        var buffer = new byte[4 * 4096];
        for (long i = 0; i < n; i += 4096)
        {
            int m = (int)Math.Min(4096, n - i);
            for (int k = 0; k < m; k++) BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(4 * k), data[(int)(i + k)]);
            hash.AppendData(buffer, 0, 4 * m);
        }
        return new TrainingDataIdentity(Convert.ToHexStringLower(hash.GetHashAndReset()), size, count, temperature);
    }

    /// <summary>One line for messages: "N configurations of L×L at T_ξ = t".</summary>
    public string Describe() => $"{Count} configurations of {Size}×{Size} at T_ξ = {Temperature.ToString("G6", CultureInfo.InvariantCulture)}";

    /// <summary>The JSON object stored in checkpoint metadata.</summary>
    public JsonObject ToJson() => new() { ["sha256"] = Sha256, ["size"] = Size, ["count"] = Count, ["temperature"] = Temperature };

    /// <summary>Reads <see cref="ToJson"/>'s output; anything else is an <see cref="InvalidDataException"/>.</summary>
    public static TrainingDataIdentity FromJson(JsonNode? node)
    {
        if (node is not JsonObject o) throw new InvalidDataException("training data identity is not a JSON object");
        try
        {
            return new TrainingDataIdentity(JsonFields.String(o, "sha256"), JsonFields.Int(o, "size"), JsonFields.Int(o, "count"), JsonFields.Double(o, "temperature"));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"training data identity: {e.Message}");
        }
    }
}

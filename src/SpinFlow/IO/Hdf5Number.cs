using System.Buffers.Binary;
using System.Globalization;
using System.Reflection;
using PureHDF;

namespace SpinFlow.IO;

/// <summary>
/// A numeric HDF5 value of any width, signedness and byte order, as written by h5py, h5import or PureHDF:
/// integers are kept exact, floating-point values as double.
/// </summary>
internal readonly record struct Hdf5Number(bool IsInteger, Int128 Integer, double Real)
{
    /// <summary>The value as the user would write it (8, 8.5, -1).</summary>
    public override string ToString() => IsInteger ? Integer.ToString(CultureInfo.InvariantCulture) : Real.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="type"/> is an integer or floating-point type of a width we decode (1, 2, 4, 8 bytes; 2, 4, 8 for floats).</summary>
    public static bool IsNumeric(IH5DataType type) => type.Class switch
    {
        H5DataTypeClass.FixedPoint => type.Size is 1 or 2 or 4 or 8,
        H5DataTypeClass.FloatingPoint => type.Size is 2 or 4 or 8,
        _ => false,
    };

    /// <summary>Decodes one element of <paramref name="type"/> stored at the start of <paramref name="bytes"/>.</summary>
    public static Hdf5Number Decode(IH5DataType type, ReadOnlySpan<byte> bytes, bool bigEndian)
    {
        if (type.Class == H5DataTypeClass.FloatingPoint)
            return FromReal(type.Size switch
            {
                2 => (double)(bigEndian ? BinaryPrimitives.ReadHalfBigEndian(bytes) : BinaryPrimitives.ReadHalfLittleEndian(bytes)),
                4 => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(bytes) : BinaryPrimitives.ReadSingleLittleEndian(bytes),
                _ => bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(bytes) : BinaryPrimitives.ReadDoubleLittleEndian(bytes),
            });
        bool signed = type.FixedPoint.IsSigned;
        return FromInteger((type.Size, signed) switch
        {
            (1, true) => (sbyte)bytes[0],
            (1, false) => bytes[0],
            (2, true) => bigEndian ? BinaryPrimitives.ReadInt16BigEndian(bytes) : BinaryPrimitives.ReadInt16LittleEndian(bytes),
            (2, false) => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes),
            (4, true) => bigEndian ? BinaryPrimitives.ReadInt32BigEndian(bytes) : BinaryPrimitives.ReadInt32LittleEndian(bytes),
            (4, false) => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            (_, true) => bigEndian ? BinaryPrimitives.ReadInt64BigEndian(bytes) : BinaryPrimitives.ReadInt64LittleEndian(bytes),
            (_, false) => bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(bytes) : BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        });
    }

    /// <summary>Reads a single-valued numeric attribute (scalar or one-element array).</summary>
    public static Hdf5Number Read(IH5Attribute attribute)
    {
        var type = attribute.Type;
        try
        {
            return type.Class == H5DataTypeClass.FloatingPoint
                ? FromReal(type.Size switch { 2 => (double)attribute.Read<Half>(), 4 => attribute.Read<float>(), _ => attribute.Read<double>() })
                : FromInteger((type.Size, type.FixedPoint.IsSigned) switch
                {
                    (1, true) => attribute.Read<sbyte>(),
                    (1, false) => attribute.Read<byte>(),
                    (2, true) => attribute.Read<short>(),
                    (2, false) => attribute.Read<ushort>(),
                    (4, true) => attribute.Read<int>(),
                    (4, false) => attribute.Read<uint>(),
                    (_, true) => attribute.Read<long>(),
                    (_, false) => attribute.Read<ulong>(),
                });
        }
        catch (Exception e) when (IsForeignByteOrder(e))
        {
            // PureHDF 2.2.0 decodes only the machine's byte order and has no raw read for attributes.
            return Decode(type, RawAttributeBytes(attribute), bigEndian: BitConverter.IsLittleEndian);
        }
    }

    /// <summary>PureHDF's refusal of a byte order other than the machine's (h5py's '&gt;f8', for one).</summary>
    public static bool IsForeignByteOrder(Exception e) => e.Message.StartsWith("Byte order conversion", StringComparison.Ordinal);

    private static Hdf5Number FromInteger(Int128 value) => new(true, value, (double)value);

    private static Hdf5Number FromReal(double value) => new(false, default, value);

    /// <summary>The stored bytes of an attribute, from PureHDF's attribute message (internal in 2.2.0).</summary>
    private static byte[] RawAttributeBytes(IH5Attribute attribute)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        var message = attribute.GetType().GetProperty("Message", flags)?.GetValue(attribute);
        if (message?.GetType().GetProperty("InputData", flags)?.GetValue(message) is Memory<byte> data && data.Length >= attribute.Type.Size)
            return data.ToArray();
        throw new NotSupportedException($"attribute '{attribute.Name}' is stored in foreign byte order, which this PureHDF version cannot decode");
    }
}

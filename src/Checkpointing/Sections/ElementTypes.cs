using System.Runtime.CompilerServices;

namespace Checkpointing;

/// <summary>The names binary sections record for their element type, numpy's dtype names where one exists.</summary>
internal static class ElementTypes
{
    /// <summary>The element type of a section written from a stream: plain bytes.</summary>
    public const string Bytes = "bytes";

    public static string NameOf<T>()
        where T : unmanaged
    {
        var t = typeof(T);
        return t == typeof(float) ? "float32"
            : t == typeof(double) ? "float64"
            : t == typeof(Half) ? "float16"
            : t == typeof(byte) ? "uint8"
            : t == typeof(sbyte) ? "int8"
            : t == typeof(short) ? "int16"
            : t == typeof(ushort) ? "uint16"
            : t == typeof(int) ? "int32"
            : t == typeof(uint) ? "uint32"
            : t == typeof(long) ? "int64"
            : t == typeof(ulong) ? "uint64"
            : t == typeof(bool) ? "bool"
            : t == typeof(char) ? "char16"
            : $"raw{Unsafe.SizeOf<T>()}";
    }

    /// <summary>The size of one element of a named type, or 1 for <see cref="Bytes"/>; null when the name is not one of ours.</summary>
    public static int? SizeOf(string elementType) => elementType switch
    {
        "float32" or "int32" or "uint32" => 4,
        "float64" or "int64" or "uint64" => 8,
        "float16" or "int16" or "uint16" or "char16" => 2,
        "uint8" or "int8" or "bool" or Bytes => 1,
        _ when elementType.StartsWith("raw", StringComparison.Ordinal) && int.TryParse(elementType.AsSpan(3), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 => n,
        _ => null,
    };

    /// <summary>
    /// Whether data saved as <paramref name="stored"/> may be read as <typeparamref name="T"/>: the same type,
    /// any type from plain bytes or raw structs of the same size, and anything as bytes.
    /// </summary>
    public static bool CanReadAs<T>(string stored)
        where T : unmanaged
    {
        var requested = NameOf<T>();
        return requested == stored
            || typeof(T) == typeof(byte)
            || stored == Bytes
            || (stored.StartsWith("raw", StringComparison.Ordinal) && SizeOf(stored) == Unsafe.SizeOf<T>());
    }
}

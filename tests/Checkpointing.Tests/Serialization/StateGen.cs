using System.Text;
using CsCheck;

namespace Checkpointing.Tests.Serialization;

/// <summary>Generators of states, and an exact comparison (bit-for-bit doubles, any NaN equal to any NaN).</summary>
internal static class StateGen
{
    private static readonly Gen<int> ScalarValue = Gen.OneOf(
        Gen.Int[0x20, 0x7E],
        Gen.Int[0, 0x1F],
        Gen.Int[0x80, 0xD7FF],
        Gen.Int[0xE000, 0xFFFF],
        Gen.Int[0x10000, 0x10FFFF],
        Gen.OneOfConst('"', '\\', '/', '\u2028', '\u2029', 0xFEFF, 0x1F600));

    /// <summary>Well-formed Unicode strings (every scalar value, incl. control characters, quotes and astral-plane emoji).</summary>
    public static readonly Gen<string> Text = ScalarValue.Array[0, 24].Select(cps =>
    {
        var sb = new StringBuilder();
        foreach (var cp in cps)
        {
            sb.Append(char.ConvertFromUtf32(cp));
        }

        return sb.ToString();
    });

    public static readonly Gen<string> NonEmptyText = Text.Where(s => s.Length > 0);

    public static readonly Gen<double> Double = Gen.OneOf(
        Gen.Double,
        Gen.Double.Special,
        Gen.OneOfConst(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 0.0, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, 0.1 + 0.2));

    public static readonly Gen<long> Long = Gen.OneOf(Gen.Long, Gen.OneOfConst(long.MinValue, long.MaxValue, 0L, -1L, 1L << 53, (1L << 53) + 1));

    private static readonly Gen<PropertyItem> Item = Gen.Select(
            Text,
            Double,
            Text.List[0, 4],
            Gen.Dictionary(Text, Double)[0, 4])
        .Select((name, score, labels, weights) => new PropertyItem(name, score, labels, weights));

    public static readonly Gen<PropertyState> State = Gen.Select(
            Gen.Select(Text, Double, Long, Gen.Int, Gen.Bool),
            Double.List[0, 20],
            Gen.Dictionary(Text, Long.List[0, 5])[0, 5],
            Item.List[0, 4],
            Double.List[0, 4].List[0, 4])
        .Select((scalars, values, nested, items, matrix) =>
            new PropertyState(scalars.Item1, scalars.Item2, scalars.Item3, scalars.Item4, scalars.Item5, values, nested, items, matrix, []));

    public static bool Same(double a, double b) =>
        (double.IsNaN(a) && double.IsNaN(b)) || BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);

    public static void AssertSame(double expected, double actual, string what) =>
        Assert.True(Same(expected, actual), $"{what}: expected {expected:R} (bits {BitConverter.DoubleToInt64Bits(expected):x16}), got {actual:R} (bits {BitConverter.DoubleToInt64Bits(actual):x16})");

    public static void AssertSame(IReadOnlyList<double> expected, IReadOnlyList<double> actual, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            AssertSame(expected[i], actual[i], $"{what}[{i}]");
        }
    }

    public static void AssertSame(IReadOnlyDictionary<string, double> expected, IReadOnlyDictionary<string, double> actual, string what)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, value) in expected)
        {
            AssertSame(value, actual[key], $"{what}[{key}]");
        }
    }

    public static void AssertSame(PropertyState expected, PropertyState actual)
    {
        Assert.Equal(expected.Text, actual.Text);
        AssertSame(expected.Number, actual.Number, nameof(PropertyState.Number));
        Assert.Equal(expected.Big, actual.Big);
        Assert.Equal(expected.Small, actual.Small);
        Assert.Equal(expected.Flag, actual.Flag);
        AssertSame(expected.Values, actual.Values, nameof(PropertyState.Values));
        Assert.Equal(expected.Nested.Keys.Order(StringComparer.Ordinal), actual.Nested.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, list) in expected.Nested)
        {
            Assert.Equal(list, actual.Nested[key]);
        }

        Assert.Equal(expected.Items.Count, actual.Items.Count);
        for (var i = 0; i < expected.Items.Count; i++)
        {
            Assert.Equal(expected.Items[i].Name, actual.Items[i].Name);
            AssertSame(expected.Items[i].Score, actual.Items[i].Score, $"Items[{i}].Score");
            Assert.Equal(expected.Items[i].Labels, actual.Items[i].Labels);
            AssertSame(expected.Items[i].Weights, actual.Items[i].Weights, $"Items[{i}].Weights");
        }

        Assert.Equal(expected.Matrix.Count, actual.Matrix.Count);
        for (var i = 0; i < expected.Matrix.Count; i++)
        {
            AssertSame(expected.Matrix[i], actual.Matrix[i], $"Matrix[{i}]");
        }

        Assert.NotNull(actual.AlwaysEmpty);
        Assert.Empty(actual.AlwaysEmpty);
    }
}

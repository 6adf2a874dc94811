using System.Text.Json;
using Checkpointing.Studies;

namespace Checkpointing.Tests.Studies;

/// <summary>Parameter values print invariantly, compare by kind and value, and keep their kind through JSON.</summary>
public sealed class ParameterValueTests
{
    [Theory]
    [InlineData(3.0, "3.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-5, "1E-05")]
    [InlineData(-2.5e300, "-2.5E+300")]
    public void Json_Float_WrittenWithDecimalOrExponentAndReadBackAsFloat(double value, string json)
    {
        var written = JsonSerializer.Serialize(ParameterValue.FromFloat(value));
        var read = JsonSerializer.Deserialize<ParameterValue>(written);

        Assert.Equal(json, written);
        Assert.Equal(ParameterKind.Float, read.Kind);
        Assert.Equal(value, read.AsDouble());
    }

    [Fact]
    public void Json_IntAndCategorical_RoundTripWithKind()
    {
        var values = new Dictionary<string, ParameterValue>
        {
            ["i"] = ParameterValue.FromInt(-7),
            ["c"] = ParameterValue.FromCategorical("adam \"w\""),
            ["f"] = ParameterValue.FromFloat(0.5),
        };

        var json = JsonSerializer.Serialize(values);
        var read = JsonSerializer.Deserialize<Dictionary<string, ParameterValue>>(json)!;

        Assert.Equal("{\"i\":-7,\"c\":\"adam \\u0022w\\u0022\",\"f\":0.5}", json);
        Assert.Equal(values, read);
    }

    [Fact]
    public void Json_Boolean_ThrowsJsonException() =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<ParameterValue>("true"));

    [Fact]
    public void FromFloat_NotFinite_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterValue.FromFloat(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => ParameterValue.FromFloat(double.PositiveInfinity));
    }

    [Fact]
    public void Accessors_WrongKind_ThrowInvalidOperation()
    {
        Assert.Throws<InvalidOperationException>(() => ParameterValue.FromFloat(1.0).AsInt());
        Assert.Throws<InvalidOperationException>(() => ParameterValue.FromInt(1).AsString());
        Assert.Throws<InvalidOperationException>(() => ParameterValue.FromCategorical("a").AsDouble());
        Assert.Equal(4.0, ParameterValue.FromInt(4).AsDouble());
    }

    [Fact]
    public void Equality_DependsOnKindAndValue()
    {
        Assert.Equal(ParameterValue.FromInt(2), ParameterValue.FromInt(2));
        Assert.NotEqual(ParameterValue.FromInt(2), ParameterValue.FromFloat(2.0));
        Assert.True(ParameterValue.FromCategorical("a") == ParameterValue.FromCategorical("a"));
        Assert.True(ParameterValue.FromCategorical("a") != ParameterValue.FromCategorical("b"));
    }
}

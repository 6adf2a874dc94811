using System.Globalization;
using System.Text.Json.Serialization;

namespace Checkpointing.Studies;

/// <summary>
/// One chosen parameter value: a float, an int or a categorical choice. Prints invariantly
/// (<c>0.0031</c>, <c>64</c>, <c>adam</c>) and serialises to JSON as a number or a string.
/// </summary>
[JsonConverter(typeof(ParameterValueJsonConverter))]
public readonly struct ParameterValue : IEquatable<ParameterValue>
{
    private readonly double _number;
    private readonly string? _choice;

    private ParameterValue(ParameterKind kind, double number, string? choice)
    {
        Kind = kind;
        _number = number;
        _choice = choice;
    }

    /// <summary>Which kind of value this is.</summary>
    public ParameterKind Kind { get; }

    /// <summary>A float value; must be finite.</summary>
    public static ParameterValue FromFloat(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A float parameter value must be finite.");
        }

        return new ParameterValue(ParameterKind.Float, value, null);
    }

    /// <summary>An int value.</summary>
    public static ParameterValue FromInt(int value) => new(ParameterKind.Int, value, null);

    /// <summary>A categorical choice.</summary>
    public static ParameterValue FromCategorical(string choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        return new ParameterValue(ParameterKind.Categorical, 0, choice);
    }

    /// <summary>The value as a double (floats and ints).</summary>
    /// <exception cref="InvalidOperationException">The value is categorical.</exception>
    public double AsDouble() => Kind != ParameterKind.Categorical
        ? _number
        : throw new InvalidOperationException($"The categorical value '{_choice}' has no numeric value.");

    /// <summary>The value as an int.</summary>
    /// <exception cref="InvalidOperationException">The value is not an int.</exception>
    public int AsInt() => Kind == ParameterKind.Int
        ? (int)_number
        : throw new InvalidOperationException($"The {Kind} value {this} is not an int.");

    /// <summary>The categorical choice.</summary>
    /// <exception cref="InvalidOperationException">The value is not categorical.</exception>
    public string AsString() => Kind == ParameterKind.Categorical
        ? _choice ?? string.Empty
        : throw new InvalidOperationException($"The {Kind} value {this} is not categorical.");

    /// <summary>The value in invariant culture: round-trippable digits for floats.</summary>
    public override string ToString() => Kind switch
    {
        ParameterKind.Float => _number.ToString("R", CultureInfo.InvariantCulture),
        ParameterKind.Int => ((int)_number).ToString(CultureInfo.InvariantCulture),
        _ => _choice ?? string.Empty,
    };

    /// <inheritdoc />
    public bool Equals(ParameterValue other) =>
        Kind == other.Kind && _number.Equals(other._number) && string.Equals(_choice, other._choice, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ParameterValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Kind, _number, _choice is null ? 0 : StringComparer.Ordinal.GetHashCode(_choice));

    /// <summary>True when both have the same kind and value.</summary>
    public static bool operator ==(ParameterValue left, ParameterValue right) => left.Equals(right);

    /// <summary>True when kind or value differ.</summary>
    public static bool operator !=(ParameterValue left, ParameterValue right) => !left.Equals(right);
}

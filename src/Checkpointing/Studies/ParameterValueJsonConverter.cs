using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Checkpointing.Studies;

/// <summary>
/// Writes a <see cref="ParameterValue"/> as a JSON string (categorical), an integer (int) or a
/// number that always has a decimal point or exponent (float), and reads those forms back.
/// Applied automatically through the attribute on <see cref="ParameterValue"/>.
/// </summary>
public sealed class ParameterValueJsonConverter : JsonConverter<ParameterValue>
{
    /// <inheritdoc />
    public override ParameterValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return ParameterValue.FromCategorical(reader.GetString()!);
            case JsonTokenType.Number:
                ReadOnlySpan<byte> raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
                bool isFloat = raw.IndexOfAny("."u8) >= 0 || raw.IndexOfAny("eE"u8) >= 0;
                if (!isFloat && reader.TryGetInt32(out int i))
                {
                    return ParameterValue.FromInt(i);
                }

                return ParameterValue.FromFloat(reader.GetDouble());
            default:
                throw new JsonException($"A parameter value must be a JSON number or string, not {reader.TokenType}.");
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, ParameterValue value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (value.Kind)
        {
            case ParameterKind.Categorical:
                writer.WriteStringValue(value.AsString());
                break;
            case ParameterKind.Int:
                writer.WriteNumberValue(value.AsInt());
                break;
            default:
                string text = value.ToString();
                if (text.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
                {
                    text += ".0";
                }

                writer.WriteRawValue(text, skipInputValidation: true);
                break;
        }
    }
}

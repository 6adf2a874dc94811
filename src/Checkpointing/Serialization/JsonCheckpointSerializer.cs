using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Checkpointing.Serialization;

/// <summary>
/// The default serializer: System.Text.Json, which never creates types named in the data.
/// For trimmed or native AOT programs, pass a source-generated <see cref="JsonSerializerContext"/>
/// that lists your state types.
/// </summary>
public sealed class JsonCheckpointSerializer : ICheckpointSerializer
{
    private readonly JsonSerializerOptions _options;

    // The type info used last: a run saves one state type again and again, and the options' own
    // lookup costs more than this check on every save.
    private JsonTypeInfo? _lastTypeInfo;

    /// <summary>
    /// Uses reflection-based System.Text.Json with options suited to checkpoints: public fields
    /// included, NaN and ±Infinity allowed, compact output. Not available when reflection is
    /// disabled (native AOT); use the <see cref="JsonSerializerContext"/> constructor there.
    /// </summary>
    public JsonCheckpointSerializer()
        : this(CreateDefaultOptions(DefaultResolver()))
    {
    }

    /// <summary>Uses a source-generated context, which is trimming- and AOT-safe.</summary>
    public JsonCheckpointSerializer(JsonSerializerContext context)
        : this(CreateDefaultOptions(context ?? throw new ArgumentNullException(nameof(context))))
    {
    }

    /// <summary>Uses the given options (their resolver decides which types work; without one, reflection is used). The options become read-only.</summary>
    public JsonCheckpointSerializer(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsReadOnly && options.TypeInfoResolver is null)
        {
            options.TypeInfoResolver = DefaultResolver();
        }

        _options = options;
        _options.MakeReadOnly();
    }

    /// <summary>A shared instance with the default options.</summary>
    public static JsonCheckpointSerializer Default { get; } = new();

    /// <inheritdoc />
    public string Name => "json";

    /// <inheritdoc />
    public void Serialize<T>(IBufferWriter<byte> output, T value)
    {
        using var writer = new Utf8JsonWriter(output);
        JsonSerializer.Serialize(writer, value, TypeInfo<T>());
    }

    /// <inheritdoc />
    public T Deserialize<T>(ReadOnlyMemory<byte> data) =>
        JsonSerializer.Deserialize(data.Span, TypeInfo<T>())
        ?? throw new JsonException($"The saved state is JSON null, which cannot be read as {typeof(T).Name}.");

    private JsonTypeInfo<T> TypeInfo<T>()
    {
        if (Volatile.Read(ref _lastTypeInfo) is JsonTypeInfo<T> last)
        {
            return last;
        }

        try
        {
            var typeInfo = (JsonTypeInfo<T>)_options.GetTypeInfo(typeof(T));
            Volatile.Write(ref _lastTypeInfo, typeInfo);
            return typeInfo;
        }
        catch (NotSupportedException ex)
        {
            throw new NotSupportedException(
                $"The JSON serializer has no metadata for {typeof(T).FullName}. Add [JsonSerializable(typeof({typeof(T).Name}))] to your JsonSerializerContext.", ex);
        }
    }

    private static JsonSerializerOptions CreateDefaultOptions(IJsonTypeInfoResolver resolver) => new()
    {
        TypeInfoResolver = resolver,
        IncludeFields = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        WriteIndented = false,
        MaxDepth = 256,

        // Checkpoints are never embedded in HTML; escaping every non-ASCII character would only make them bigger.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Guarded by JsonSerializer.IsReflectionEnabledByDefault; AOT users pass a JsonSerializerContext.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Guarded by JsonSerializer.IsReflectionEnabledByDefault; AOT users pass a JsonSerializerContext.")]
    private static IJsonTypeInfoResolver DefaultResolver() =>
        JsonSerializer.IsReflectionEnabledByDefault ? new DefaultJsonTypeInfoResolver() : JsonTypeInfoResolver.Combine();
}

using System.Text.Json;
using Checkpointing.Serialization;
using Checkpointing.Storage;
using Checkpointing.Tests.Manager;

namespace Checkpointing.Tests.Serialization;

public sealed class JsonCheckpointSerializerTests : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void SaveThenLoad_WithSourceGeneratedContext_RoundTrips()
    {
        var state = new ContextState("aot ✓", 7, [0.5, double.NaN, double.NegativeInfinity], new() { ["k"] = "v" });
        var options = _root.Options(o => o.Serializer = new JsonCheckpointSerializer(TestJsonContext.Default));

        using (var manager = new CheckpointManager("serialization", "context", options))
        {
            manager.Save(state, step: 7);
        }

        using var reopened = new CheckpointManager("serialization", "context", _root.Options(o => o.Serializer = new JsonCheckpointSerializer(TestJsonContext.Default)));
        var loaded = reopened.LoadLatest<ContextState>();

        Assert.NotNull(loaded);
        Assert.Equal(state.Name, loaded.State.Name);
        Assert.Equal(state.Step, loaded.State.Step);
        Assert.Equal(state.Losses, loaded.State.Losses);
        Assert.Equal(state.Notes, loaded.State.Notes);
    }

    [Fact]
    public void Save_TypeMissingFromContext_ThrowsSerializationErrorNamingTheFixAndSavesNothing()
    {
        using var manager = new CheckpointManager("serialization", "missing", _root.Options(o => o.Serializer = new JsonCheckpointSerializer(TestJsonContext.Default)));

        var ex = Assert.Throws<CheckpointSerializationException>(() => manager.Save(new PropertyItem("x", 1, [], []), step: 1));

        Assert.Contains("JsonSerializable", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was saved", ex.Message, StringComparison.Ordinal);
        Assert.Empty(manager.List());
        Assert.Empty(Directory.EnumerateFiles(manager.RunDirectory, "*.ckpt*"));
    }

    [Fact]
    public void Save_SerializerThrows_ThrowsSerializationErrorAndLeavesNoFile()
    {
        using var manager = new CheckpointManager("serialization", "throwing", _root.Options(o => o.Serializer = new ThrowingSerializer()));

        var ex = Assert.Throws<CheckpointSerializationException>(() => manager.Save(42, step: 1));

        Assert.IsType<InvalidOperationException>(ex.InnerException);
        Assert.Contains("throwing", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(manager.RunDirectory, "*.ckpt*"));
    }

    [Fact]
    public void LoadLatest_StateTypeMismatch_ThrowsSerializationErrorAndQuarantinesNothing()
    {
        using var manager = new CheckpointManager("serialization", "mismatch", _root.Options());
        var saved = manager.Save(new List<int> { 1, 2, 3 }, step: 1);

        var ex = Assert.Throws<CheckpointSerializationException>(() => manager.LoadLatest<ContextState>());

        Assert.Contains(saved.Id, ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ContextState), ex.Message, StringComparison.Ordinal);
        Assert.IsType<JsonException>(ex.InnerException);
        Assert.True(File.Exists(saved.FilePath));
        Assert.False(Directory.Exists(Path.Combine(manager.RunDirectory, LocalDirectoryStore.QuarantineDirectoryName)));
        Assert.Throws<CheckpointSerializationException>(() => manager.LoadLatest<ContextState>());
        Assert.Equal([1, 2, 3], manager.LoadLatest<List<int>>()!.State);
    }

    [Fact]
    public void Save_NullState_ThrowsArgumentNullAndSavesNothing()
    {
        using var manager = new CheckpointManager("serialization", "null", _root.Options());

        var ex = Assert.Throws<ArgumentNullException>(() => manager.Save<ContextState?>(null, step: 1));

        Assert.Equal("state", ex.ParamName);
        Assert.Empty(manager.List());
    }

    [Fact]
    public void LoadLatest_StateNamingATypeInTheData_NeverCreatesThatType()
    {
        using var manager = new CheckpointManager("serialization", "polymorphic", _root.Options());
        var payload = new Dictionary<string, object?>
        {
            ["$type"] = "System.IO.FileInfo, System.IO.FileSystem",
            ["value"] = "/etc/passwd",
        };
        manager.Save(payload, step: 1);

        var loaded = manager.LoadLatest<object>();

        Assert.NotNull(loaded);
        var element = Assert.IsType<JsonElement>(loaded.State);
        Assert.Equal("/etc/passwd", element.GetProperty("value").GetString());
    }
}

namespace Checkpointing.Tests.Manager;

public sealed class OptionsValidationTests : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    public static TheoryData<string, string> InvalidOptions() => new()
    {
        { "KeepLastN=0", "KeepLastN" },
        { "KeepLastN=-1", "KeepLastN" },
        { "KeepBestN=-1", "KeepBestN" },
        { "KeepEvery=0", "KeepEvery" },
        { "KeepEvery=-1s", "KeepEvery" },
        { "MaxTotalBytes=0", "MaxTotalBytes" },
        { "MaxTotalBytes=-1", "MaxTotalBytes" },
        { "Compression=99", "Compression" },
        { "RootDirectory=blank", "RootDirectory" },
        { "TimeProvider=null", "TimeProvider" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Constructor_OptionOutOfRange_ThrowsArgumentExceptionNamingTheOption(string setting, string property)
    {
        var options = _root.Options(o => Apply(o, setting));

        var ex = Assert.Throws<ArgumentException>(() => new CheckpointManager("training", "run", options));

        Assert.Equal("options", ex.ParamName);
        Assert.Contains("CheckpointOptions." + property, ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_root.Path, "training")));
    }

    [Fact]
    public void Constructor_BoundaryValues_AreAccepted()
    {
        var options = _root.Options(o =>
        {
            o.KeepLastN = 1;
            o.KeepBestN = 0;
            o.KeepEvery = TimeSpan.FromTicks(1);
            o.MaxTotalBytes = 1;
        });

        using var manager = new CheckpointManager("training", "run", options);

        Assert.False(manager.IsReadOnly);
    }

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new CheckpointOptions();

        Assert.Equal("checkpoints", options.RootDirectory);
        Assert.Equal(5, options.KeepLastN);
        Assert.Equal(1, options.KeepBestN);
        Assert.Null(options.BestMetric);
        Assert.Equal(BestMetricMode.Min, options.BestMetricMode);
        Assert.Null(options.KeepEvery);
        Assert.Null(options.MaxTotalBytes);
        Assert.Equal(CheckpointCompression.Zstd, options.Compression);
        Assert.Null(options.Serializer);
        Assert.False(options.ReadOnly);
        Assert.Same(TimeProvider.System, options.TimeProvider);
    }

    private static void Apply(CheckpointOptions o, string setting)
    {
        switch (setting)
        {
            case "KeepLastN=0": o.KeepLastN = 0; break;
            case "KeepLastN=-1": o.KeepLastN = -1; break;
            case "KeepBestN=-1": o.KeepBestN = -1; break;
            case "KeepEvery=0": o.KeepEvery = TimeSpan.Zero; break;
            case "KeepEvery=-1s": o.KeepEvery = TimeSpan.FromSeconds(-1); break;
            case "MaxTotalBytes=0": o.MaxTotalBytes = 0; break;
            case "MaxTotalBytes=-1": o.MaxTotalBytes = -1; break;
            case "Compression=99": o.Compression = (CheckpointCompression)99; break;
            case "RootDirectory=blank": o.RootDirectory = "  "; break;
            case "TimeProvider=null": o.TimeProvider = null!; break;
            default: throw new ArgumentOutOfRangeException(nameof(setting), setting, null);
        }
    }
}

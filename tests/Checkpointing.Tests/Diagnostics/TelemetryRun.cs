using Checkpointing.Storage;
using Checkpointing.Tests.Crash;
using Checkpointing.Tests.Manager;
using Microsoft.Extensions.Time.Testing;

namespace Checkpointing.Tests.Diagnostics;

/// <summary>A fresh root with a run name no other test uses, so measurements from the shared meter can be told apart.</summary>
internal sealed class TelemetryRun : IDisposable
{
    public const string ProcessType = "telemetry";

    private readonly TempRoot _root = new();

    public string Name { get; } = "run-" + Guid.NewGuid().ToString("N");

    public TestMeterFactory Meters { get; } = new();

    public CheckpointOptions Options(Action<CheckpointOptions>? configure = null) => _root.Options(o =>
    {
        o.MeterFactory = Meters;
        o.KeepLastN = null;
        configure?.Invoke(o);
    });

    public CheckpointManager Open(Action<CheckpointOptions>? configure = null) => new(ProcessType, Name, Options(configure));

    /// <summary>Opens the run on a simulated file system, whose faults a test sets.</summary>
    public CheckpointManager OpenSimulated(SimulatedFileSystem fs) => new(ProcessType, Name, new CheckpointOptions
    {
        RootDirectory = "/sim/telemetry",
        MeterFactory = Meters,
        Compression = CheckpointCompression.None,
        TimeProvider = new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)),
    }, fs, LocalStoreFaults.None);

    /// <summary>Saves one checkpoint with a manager that is closed again.</summary>
    public CheckpointMetadata SaveAndClose(long step, long? totalSteps = null)
    {
        using var manager = Open();
        return manager.Save(new TelemetryState("saved", (int)step), step, totalSteps);
    }

    /// <summary>Saves steps 1 and 2, then damages the newest file in its middle, so a load falls back to step 1.</summary>
    public (CheckpointMetadata Older, CheckpointMetadata Newer) SaveTwoAndDamageNewest()
    {
        CheckpointMetadata older, newer;
        using (var manager = Open())
        {
            older = manager.Save(new TelemetryState("older", 1), step: 1, totalSteps: 4);
            newer = manager.Save(new TelemetryState("newer", 2), step: 2, totalSteps: 4);
        }

        var bytes = File.ReadAllBytes(newer.FilePath);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(newer.FilePath, bytes);
        return (older, newer);
    }

    public void Dispose()
    {
        Meters.Dispose();
        _root.Dispose();
    }
}

internal sealed record TelemetryState(string Text, int Number);

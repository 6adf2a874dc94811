using Checkpointing.Storage;
using Checkpointing.Tests.Manager;
using Microsoft.Extensions.Time.Testing;

namespace Checkpointing.Tests.Background;

/// <summary>A run on the real disk whose saves can be held in flight or failed (<see cref="HeldFileSystem"/>).</summary>
internal sealed class BackgroundRun : IDisposable
{
    public const string ProcessType = "background";
    public const string RunName = "run";

    /// <summary>Guards awaits against a hang; never a timing check.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    private readonly TempRoot _root = new();
    private readonly List<CheckpointManager> _managers = [];

    public HeldFileSystem Fs { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 4, 5, 6, 7, 8, TimeSpan.Zero));

    public string RunDirectory => _root.RunDirectory(ProcessType, RunName);

    /// <summary>A writer over <see cref="Fs"/>; disposed with the run unless the test disposes it.</summary>
    public CheckpointManager Open(Action<CheckpointOptions>? configure = null)
    {
        var manager = new CheckpointManager(ProcessType, RunName, Options(configure), Fs, LocalStoreFaults.None);
        _managers.Add(manager);
        return manager;
    }

    /// <summary>A plain manager on the real file system, for checking what a restart would find.</summary>
    public CheckpointManager OpenPlain(Action<CheckpointOptions>? configure = null) => new(ProcessType, RunName, Options(configure));

    public CheckpointOptions Options(Action<CheckpointOptions>? configure) => _root.Options(o =>
    {
        o.TimeProvider = Time;
        o.KeepLastN = null;
        configure?.Invoke(o);
    });

    public void Tick() => Time.Advance(TimeSpan.FromSeconds(1));

    public string[] TempFiles() => Directory.Exists(RunDirectory)
        ? [.. Directory.GetFiles(RunDirectory).Where(f => f.Contains(LocalDirectoryStore.TempMarker, StringComparison.Ordinal))]
        : [];

    public static async Task<T> Guard<T>(Task<T> task) => await task.WaitAsync(HangGuard);

    public static async Task Guard(Task task) => await task.WaitAsync(HangGuard);

    public void Dispose()
    {
        Fs.ReleaseAll();
        foreach (var manager in _managers)
        {
            try
            {
                manager.Dispose();
            }
            catch (CheckpointBackgroundSaveException)
            {
                // A failure the test provoked and did not need to collect.
            }
        }

        _root.Dispose();
    }
}

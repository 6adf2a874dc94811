using Checkpointing.Tests.Manager;

namespace Checkpointing.Tests.Fencing;

/// <summary>What a writer of generation 1, paused between its last fence check and its rename, publishes when it resumes.</summary>
internal static class LatePublish
{
    /// <summary>
    /// Saves <paramref name="state"/> at <paramref name="step"/> with the first writer of another root (generation 1, of the same
    /// run name) and copies the file into <paramref name="root"/>'s run; returns the checkpoint's id.
    /// </summary>
    public static string CopyInto<T>(TempRoot root, string processType, string name, T state, long step)
    {
        using var elsewhere = new TempRoot();
        using var late = new CheckpointManager(processType, name, elsewhere.Options());
        var meta = late.Save(state, step);
        Assert.Equal(1, meta.WriterGeneration);
        File.Copy(meta.FilePath, Path.Combine(root.RunDirectory(processType, name), Path.GetFileName(meta.FilePath)));
        return meta.Id;
    }
}

namespace Checkpointing.Cli.Runs;

/// <summary>The root directory and the runs under it (<c>&lt;root&gt;/&lt;processType&gt;/&lt;name&gt;/</c>), opened read-only.</summary>
internal sealed class CheckpointRoot(string directory)
{
    public string Directory { get; } = Path.GetFullPath(directory);

    public bool Exists => System.IO.Directory.Exists(Directory);

    /// <summary>Every run directory under the root, ordered by process type then name; hidden directories are skipped.</summary>
    public IReadOnlyList<RunReference> FindRuns()
    {
        if (!Exists)
        {
            return [];
        }

        return [.. new DirectoryInfo(Directory).EnumerateDirectories()
            .Where(IsVisible)
            .SelectMany(type => type.EnumerateDirectories().Where(IsVisible).Select(run => new RunReference(type.Name, run.Name, null)))
            .OrderBy(r => r.ProcessType, StringComparer.Ordinal)
            .ThenBy(r => r.Name, StringComparer.Ordinal)];
    }

    public string RunDirectory(RunReference run) => Path.Combine(Directory, run.ProcessType, run.Name);

    /// <summary>Opens an existing run read-only (no lock, nothing written); an unknown or malformed run is a usage error that lists the runs.</summary>
    public CheckpointManager Open(RunReference run)
    {
        var manager = OpenEvenIfMissing(run);
        if (!System.IO.Directory.Exists(manager.RunDirectory))
        {
            manager.Dispose();
            var runs = FindRuns();
            var known = runs.Count == 0
                ? $"There are no runs under {Directory}; pass --root DIR (or set ${CommonOptions.RootVariable}) to look elsewhere."
                : $"Runs under {Directory}: {string.Join(", ", runs)}.";
            throw new UsageException($"No run '{run}'. {known}");
        }

        return manager;
    }

    /// <summary>Opens a run read-only whether or not it exists yet; a malformed run name is a usage error.</summary>
    public CheckpointManager OpenEvenIfMissing(RunReference run)
    {
        try
        {
            return OpenUnchecked(run);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"'{run}' is not a valid run name: {ex.Message} Expected {RunReference.ExpectedForm}.");
        }
    }

    public CheckpointManager OpenUnchecked(RunReference run) =>
        new(run.ProcessType, run.Name, new CheckpointOptions { RootDirectory = Directory, ReadOnly = true });

    /// <summary>The names of the checkpoint files in a run directory (top level; quarantine and temp files excluded), by step, then name.</summary>
    public static IReadOnlyList<string> CheckpointFileNames(string runDirectory) =>
        System.IO.Directory.Exists(runDirectory)
            ? [.. System.IO.Directory.EnumerateFiles(runDirectory, "*.ckpt").Select(Path.GetFileName).OfType<string>()
                .OrderBy(StepOf).ThenBy(name => name, StringComparer.Ordinal)]
            : [];

    /// <summary>The step in <c>checkpoint_step_&lt;step&gt;_…</c>; names of another form sort last.</summary>
    private static long StepOf(string fileName)
    {
        const string prefix = "checkpoint_step_";
        var digits = fileName.StartsWith(prefix, StringComparison.Ordinal) ? fileName.AsSpan(prefix.Length) : [];
        var end = digits.IndexOf('_');
        return end > 0 && long.TryParse(digits[..end], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var step) ? step : long.MaxValue;
    }

    /// <summary>How many files sit in the run's quarantine (the damaged checkpoints; their .reason.txt notes are not counted).</summary>
    public static int QuarantinedCount(string runDirectory)
    {
        var quarantine = Path.Combine(runDirectory, "quarantine");
        return System.IO.Directory.Exists(quarantine)
            ? System.IO.Directory.EnumerateFiles(quarantine).Count(f => !f.EndsWith(".reason.txt", StringComparison.Ordinal))
            : 0;
    }

    /// <summary>All bytes under the run directory, quarantine included.</summary>
    public static long SizeOnDisk(string runDirectory) =>
        System.IO.Directory.Exists(runDirectory)
            ? new DirectoryInfo(runDirectory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(SafeLength)
            : 0;

    private static long SafeLength(FileInfo file)
    {
        try
        {
            return file.Length;
        }
        catch (IOException)
        {
            return 0; // Deleted by retention while we listed.
        }
    }

    private static bool IsVisible(DirectoryInfo directory) => !directory.Name.StartsWith('.');
}

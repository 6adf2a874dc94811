using Checkpointing.Cli.Reports;

namespace Checkpointing.Cli.Runs;

/// <summary>
/// Builds a run's <see cref="RunSummary"/> through a read-only manager: its list (every footer), the recovery info (the
/// newest valid checkpoint verified as a load verifies it, except that binary sections over <see cref="BinaryChecksumBudget"/>
/// are not read), and its journal and study, every record verified.
/// </summary>
internal static class RunSummarizer
{
    /// <summary>
    /// The stored bytes of binary sections list verifies in a checkpoint (64 MiB: a few tens of milliseconds from the page
    /// cache, a fraction of a second from disk); larger ones (model weights) are left to <c>ckpt verify</c>.
    /// </summary>
    public const long BinaryChecksumBudget = 64L << 20;

    /// <summary>The values of <see cref="RunSummary.NewestCheck"/>.</summary>
    public const string FullCheck = "full";

    /// <inheritdoc cref="FullCheck"/>
    public const string BinarySectionsNotReadCheck = "binarySectionsNotRead";

    /// <param name="studyDetails">Whether the study report carries the search space and every trial (<c>ckpt report</c> plots them).</param>
    public static RunSummary Summarize(CheckpointRoot root, RunReference run, bool studyDetails = false)
    {
        var directory = root.RunDirectory(run);
        var files = CheckpointRoot.CheckpointFileNames(directory);
        var quarantined = CheckpointRoot.QuarantinedCount(directory);
        var size = CheckpointRoot.SizeOnDisk(directory);
        var writer = WriterLockProbe.FindHolder(directory);
        try
        {
            using var manager = root.OpenUnchecked(run);
            var listed = manager.List();
            var damaged = new List<DamagedFile>();
            RecoveryInfo? recovery = null;
            try
            {
                recovery = manager.GetRecoveryInfo(BinaryChecksumBudget);
                damaged.AddRange(recovery?.Skipped.Select(s => new DamagedFile(s.FileName, s.Reason)) ?? []);
            }
            catch (CheckpointCorruptException ex)
            {
                damaged.Add(new DamagedFile("(all)", ex.Message));
            }

            // Files whose footer cannot be read are left out of List(); they are damaged too.
            var listedNames = listed.Select(m => Path.GetFileName(m.FilePath)).ToHashSet(StringComparer.Ordinal);
            foreach (var unreadable in files.Where(f => !listedNames.Contains(f)).Reverse())
            {
                if (!damaged.Any(d => d.FileName == unreadable))
                {
                    damaged.Add(new DamagedFile(unreadable, "its footer cannot be read (not listed)"));
                }
            }

            var damagedFiles = damaged.Count(d => d.FileName != "(all)");
            var valid = recovery is null ? 0 : Math.Max(0, files.Count - damagedFiles);
            var newest = listed.Count == 0 ? (DateTimeOffset?)null : listed.Max(m => m.TimestampUtc);
            var current = recovery?.Checkpoint;
            var binaryBytes = current?.Sections.Sum(s => s.StoredBytes) ?? 0;
            var notRead = binaryBytes > BinaryChecksumBudget;
            var estimate = ProgressEstimate.From(listed);
            // From the step a resume would start at (behind the newest file when that one is damaged), at the history's rate.
            double? eta = current is { Status: not CheckpointStatus.Completed, TotalSteps: long total } && estimate.StepsPerSecond is double rate && total >= current.Step
                ? (total - current.Step) / rate
                : null;
            return new RunSummary(run.ProcessType, run.Name, current?.Step, current?.TotalSteps, current?.ProgressPercent, current?.Status.ToString(),
                newest, files.Count, size, valid, damaged, quarantined, writer, null, estimate.StepsPerSecond, eta,
                JournalReader.ReadJournal(manager, listed, details: false), JournalReader.ReadStudy(manager, current?.TotalSteps, studyDetails),
                current is null ? null : notRead ? BinarySectionsNotReadCheck : FullCheck, notRead ? binaryBytes : null);
        }
        catch (Exception ex) when (ex is CheckpointException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            return new RunSummary(run.ProcessType, run.Name, null, null, null, null, null, files.Count, size, 0, [], quarantined, writer, ex.Message);
        }
    }
}

using System.Globalization;
using System.Text;
using Checkpointing.Journaling;

namespace Checkpointing.TestChild;

/// <summary>
/// <c>journal-commit ROOT [padBytes]</c>: appends one record (<c>record N</c>, N its sequence, followed by
/// <c>padBytes</c> dots) to the run's journal and commits it; prints <c>COMMITTED N</c>, or <c>STORAGE_ERROR errno=… message=…</c> and exits 3.
/// <c>journal-check ROOT</c>: opens the journal (recovering it) and prints <c>RECORDS count LAST seq OK|BAD</c>,
/// where OK means every record reads back as <c>record N</c> (and any padding) with N its own sequence.
/// </summary>
internal static class JournalModes
{
    private const int StorageErrorExitCode = 3;

    public static int Commit(string root, int padBytes = 0)
    {
        using var manager = new CheckpointManager(LoopState.ProcessType, LoopState.RunName, RunCheck.Options(root));
        using var journal = Journal.Open(manager);
        var sequence = journal.LastSequence + 1;
        try
        {
            journal.Append(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"record {sequence}") + new string('.', padBytes)));
            journal.Commit();
        }
        catch (CheckpointStorageException ex)
        {
            var errno = ex.Errno?.ToString(CultureInfo.InvariantCulture) ?? "none";
            Console.WriteLine($"STORAGE_ERROR errno={errno} message={ex.Message.ReplaceLineEndings(" ")}");
            Console.Out.Flush();
            return StorageErrorExitCode;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"COMMITTED {sequence}"));
        Console.Out.Flush();
        return 0;
    }

    public static int Check(string root)
    {
        using var manager = new CheckpointManager(LoopState.ProcessType, LoopState.RunName, RunCheck.Options(root));
        using var journal = Journal.Open(manager);
        var records = journal.ReadAfter(0).ToList();
        var ok = records.All(r => Encoding.UTF8.GetString(r.Payload.Span).TrimEnd('.') == string.Create(CultureInfo.InvariantCulture, $"record {r.Sequence}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RECORDS {records.Count} LAST {journal.LastSequence} {(ok ? "OK" : "BAD")}"));
        Console.Out.Flush();
        return 0;
    }
}

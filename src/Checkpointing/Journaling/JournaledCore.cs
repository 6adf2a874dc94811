using System.Text;
using Checkpointing.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Checkpointing.Journaling;

/// <summary>What <see cref="WorkList"/> and <see cref="JournaledState{TState, TEvent}"/> share: opening the journal, record kinds, snapshot and compaction.</summary>
internal static class JournaledCore
{
    public const byte WorkStarted = 0x01;
    public const byte WorkDone = 0x02;
    public const byte StateEvent = 0x10;
    public const byte IntentRecorded = 0x11;
    public const byte IntentCompleted = 0x12;

    public const string WorkListKind = "worklist";
    public const string StateKind = "state";
    public const string IntentsSection = "intents";

    private const int StackKeyBytes = 512;

    /// <summary>The journal's options with the shape's clock and logger factory filled in where the caller left them unset.</summary>
    public static JournalOptions JournalOptionsFor(JournalOptions? journal, TimeProvider? time, ILoggerFactory? loggerFactory) => new()
    {
        SegmentBytes = journal?.SegmentBytes ?? new JournalOptions().SegmentBytes,
        TimeProvider = journal?.TimeProvider ?? time,
        LoggerFactory = journal?.LoggerFactory ?? loggerFactory,
    };

    /// <summary>Appends a record of one kind byte followed by the UTF-8 key; allocation-free for keys up to a few hundred characters.</summary>
    public static long AppendKeyRecord(Journal journal, byte kind, string key)
    {
        var max = Encoding.UTF8.GetMaxByteCount(key.Length) + 1;
        Span<byte> buffer = max <= StackKeyBytes ? stackalloc byte[StackKeyBytes] : new byte[max];
        buffer[0] = kind;
        var length = Encoding.UTF8.GetBytes(key, buffer[1..]);
        return journal.Append(buffer[..(length + 1)]);
    }

    public static string ReadKey(ReadOnlySpan<byte> payload) => Encoding.UTF8.GetString(payload[1..]);

    /// <summary>Checks that a loaded snapshot was written by the same shape.</summary>
    public static void CheckKind(CheckpointMetadata snapshot, string expectedKind, string shapeName)
    {
        if (!snapshot.Tags.TryGetValue(JournalSnapshotContent.KindTag, out var kind) || kind != expectedKind)
        {
            throw new InvalidOperationException(
                $"Run '{snapshot.ProcessType}/{snapshot.Name}' holds journal snapshot '{snapshot.Id}' written by a {(kind is null ? "different kind of writer" : "'" + kind + "'")}, not by a {shapeName}. " +
                "Use a separate run name for each WorkList or JournaledState.");
        }
    }

    public static CheckpointCorruptException UnknownRecord(Journal journal, long sequence, byte kind, string shapeName) =>
        new($"Journal record {sequence} in '{journal.Directory}' has kind 0x{kind:x2}, which a {shapeName} does not write. Is another kind of writer using this run? Nothing was changed.", journal.Directory)
        {
            Reason = "unknown journal record",
        };

    /// <summary>
    /// After a durable snapshot: starts a new segment, then deletes the segments whose records the oldest retained snapshot
    /// covers, so that falling back to any retained snapshot can still replay. Returns how many segments were deleted.
    /// </summary>
    public static int CompactAfter(CheckpointManager manager, Journal journal, CheckpointMetadata saved, ILogger logger)
    {
        journal.StartNewSegment();
        var oldest = manager.OldestRetainedJournalSequence() ?? saved.JournalSequence ?? 0;
        var deleted = journal.DeleteSegmentsThrough(Math.Min(oldest, saved.JournalSequence ?? oldest));
        Log.JournalSnapshotSaved(logger, saved.Id, saved.JournalSequence ?? 0, deleted);
        return deleted;
    }
}

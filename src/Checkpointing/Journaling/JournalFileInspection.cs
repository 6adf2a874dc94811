namespace Checkpointing.Journaling;

/// <summary>One journal file (a segment, or a study's journal) as read and verified by <see cref="Journal.Inspect"/> or <see cref="Studies.Study.Inspect"/>.</summary>
public sealed record JournalFileInspection
{
    /// <summary>The file's name in its directory, e.g. <c>segment_00000000000000000001.log</c> or <c>study.journal</c>.</summary>
    public required string FileName { get; init; }

    /// <summary>The sequence number the file's first record has (from a segment's name; 1 for a study journal).</summary>
    public required long FirstSequence { get; init; }

    /// <summary>How many records verified, from the start of the file up to the first problem.</summary>
    public required long RecordCount { get; init; }

    /// <summary>The sequence number of the last verified record; null when the file holds none.</summary>
    public long? LastSequence => RecordCount > 0 ? FirstSequence + RecordCount - 1 : null;

    /// <summary>The file's length in bytes.</summary>
    public required long Bytes { get; init; }

    /// <summary>Where the verified records end: the offset of the first problem, or <see cref="Bytes"/> when there is none.</summary>
    public required long ValidBytes { get; init; }

    /// <summary>What was found; see <see cref="JournalFileHealth"/>.</summary>
    public required JournalFileHealth Health { get; init; }

    /// <summary>The byte offset of the first record that is not valid (0 for a bad header); null when there is none or the problem is not in this file's bytes.</summary>
    public long? ProblemOffset { get; init; }

    /// <summary>What is wrong, in a sentence fragment such as <c>its checksum does not match its contents (…)</c>; null when <see cref="Health"/> is <see cref="JournalFileHealth.Valid"/>.</summary>
    public string? Problem { get; init; }
}

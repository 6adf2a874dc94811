namespace Checkpointing.Cli.Reports;

/// <summary>
/// The output of <c>ckpt verify --json</c>: <see cref="Ok"/> is true when every checkpoint file verified and no journal
/// file is damaged (the exit code is then 0). A journal file with a torn tail (an interrupted append, which a writer cuts
/// when it opens the journal) is counted in <see cref="JournalTornTails"/> as a warning, not as damage.
/// </summary>
/// <param name="Checked">Checkpoint files checked; <see cref="Valid"/> and <see cref="Damaged"/> count them.</param>
/// <param name="JournalChecked">Journal files checked: segments and study journals.</param>
/// <param name="JournalSetAside">Journal files kept aside by earlier recoveries (not checked).</param>
internal sealed record VerifyReport(
    string Root,
    bool Ok,
    int Checked,
    int Valid,
    int Damaged,
    int Quarantined,
    IReadOnlyList<VerifiedFile> Files,
    int JournalChecked,
    int JournalDamaged,
    int JournalTornTails,
    int JournalSetAside,
    IReadOnlyList<VerifiedJournalFile> JournalFiles);

using Checkpointing.Cli.Runs;
using Checkpointing.Journaling;

namespace Checkpointing.Cli.Output;

/// <summary>
/// How the commands word and colour a journal file's health. A torn tail is what a crash during an append leaves, and a
/// writer cuts it when it opens the journal (as <see cref="Journal.Open"/> and <c>Study.CreateOrResume</c> do), so it is a
/// warning; anything else that is not valid is a problem (exit code 1).
/// </summary>
internal static class JournalDisplay
{
    public static bool IsProblem(string? health) =>
        health is not null and not nameof(JournalFileHealth.Valid) and not nameof(JournalFileHealth.TornTail);

    public static string HealthText(string health) => health switch
    {
        nameof(JournalFileHealth.TornTail) => "torn tail (an interrupted append, cut on open)",
        nameof(JournalFileHealth.AfterDamage) => "after damage (not read)",
        _ => ShortHealthText(health),
    };

    public static string ShortHealthText(string health) => health switch
    {
        nameof(JournalFileHealth.Valid) => "valid",
        nameof(JournalFileHealth.TornTail) => "torn tail",
        JournalReader.Unreadable => "unreadable",
        _ => "damaged",
    };

    public static string HealthStyle(string health) => health switch
    {
        nameof(JournalFileHealth.Valid) => "green",
        nameof(JournalFileHealth.TornTail) => "yellow",
        _ => "red",
    };
}

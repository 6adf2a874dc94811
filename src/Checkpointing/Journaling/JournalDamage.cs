namespace Checkpointing.Journaling;

/// <summary>What opening a journal repaired: bytes of torn tail cut, and files holding damaged or later bytes moved aside.</summary>
/// <param name="CutBytes">Bytes cut from the end of segments (torn tails and damaged parts).</param>
/// <param name="MovedAside">The paths of copies of damaged parts and of later segments moved aside.</param>
/// <param name="Reason">Why the last damage was treated as damage; null when only torn tails were cut.</param>
internal sealed record JournalDamage(long CutBytes, IReadOnlyList<string> MovedAside, string? Reason)
{
    public static JournalDamage None { get; } = new(0, [], null);
}

using Checkpointing.Journaling;

namespace Checkpointing.Tests.Journaling;

/// <summary>The journaled state of the tests: a list of amounts and their sum, changed by appending amounts.</summary>
internal static class Ledger
{
    public static LedgerState Apply(LedgerState state, long amount)
    {
        state.Items.Add(amount);
        state.Sum += amount;
        return state;
    }

    public static JournaledState<LedgerState, long> Open(CheckpointManager manager, JournaledStateOptions? options = null) =>
        JournaledState<LedgerState, long>.Open(manager, () => new LedgerState(), Apply, options);

    /// <summary>Ends a session like a killed process: the manager goes first, so nothing more is written on dispose.</summary>
    public static void Kill(CheckpointManager manager, IDisposable journaled)
    {
        manager.Dispose();
        journaled.Dispose();
    }
}

using System.Globalization;

namespace Checkpointing.Tests.Corruption;

/// <summary>The seed of the randomised corruption tests: <c>CKPT_TEST_SEED</c> when set (to reproduce a failure), else a fresh one.</summary>
internal static class TestSeed
{
    public const string Variable = "CKPT_TEST_SEED";

    public static int Next() =>
        int.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : Random.Shared.Next();

    public static string Describe(int seed) => $"seed {seed} (rerun with {Variable}={seed})";
}

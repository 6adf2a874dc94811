using Checkpointing.Studies;

namespace Checkpointing.Tests.Studies;

/// <summary>A mixed search space, a deterministic objective over it, and comparisons of trial histories.</summary>
internal static class StudyTestKit
{
    public static SearchSpace Space() => new SearchSpace()
        .AddFloat("lr", 1e-4, 1, log: true)
        .AddFloat("x", -3, 3)
        .AddInt("layers", 1, 6)
        .AddCategorical("act", "relu", "tanh", "gelu");

    public static double Objective(Trial trial) =>
        Math.Pow(Math.Log10(trial.GetFloat("lr")) + 2, 2)
        + Math.Pow(trial.GetFloat("x") - 0.5, 2)
        + Math.Abs(trial.GetInt("layers") - 3)
        + (trial.GetCategorical("act") == "gelu" ? 0 : 0.5);

    /// <summary>What must be identical between an interrupted and an uninterrupted study (not durations or timestamps).</summary>
    public static string Describe(FinishedTrial t) =>
        $"#{t.Number} {t.State} {t.Value?.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} [{string.Join(", ", t.Params.Select(p => $"{p.Key}={p.Value}"))}] {t.Error}";

    public static void AssertSameTrials(IReadOnlyList<FinishedTrial> expected, IReadOnlyList<FinishedTrial> actual, string context)
    {
        var e = expected.Select(Describe).ToList();
        var a = actual.Select(Describe).ToList();
        Assert.True(e.SequenceEqual(a), $"{context}{Environment.NewLine}expected:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", e)}{Environment.NewLine}actual:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", a)}");
    }
}

using System.Globalization;

namespace Checkpointing.Cli.Runs;

/// <summary>A run named on the command line as <c>TYPE/NAME</c>, optionally with <c>@STEP</c>.</summary>
internal sealed record RunReference(string ProcessType, string Name, long? Step)
{
    public const string ExpectedForm = "TYPE/NAME (a process type and a run name, e.g. training/my_experiment)";

    public override string ToString() => $"{ProcessType}/{Name}";

    /// <summary>Parses <paramref name="text"/>; throws <see cref="UsageException"/> naming the expected form.</summary>
    public static RunReference Parse(string text, bool allowStep)
    {
        long? step = null;
        var run = text;
        var at = text.LastIndexOf('@');
        if (at >= 0)
        {
            if (!allowStep || !long.TryParse(text.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var parsedStep))
            {
                throw new UsageException(allowStep
                    ? $"'{text}' has no step number after '@'; expected {ExpectedForm}[@STEP], e.g. training/my_experiment@40."
                    : $"'{text}' names a step, which this command does not take; expected {ExpectedForm}.");
            }

            step = parsedStep;
            run = text[..at];
        }

        var parts = run.Split('/');
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new UsageException($"'{text}' is not a run; expected {ExpectedForm}. Type 'ckpt list' to see the runs.");
        }

        return new RunReference(parts[0], parts[1], step);
    }
}

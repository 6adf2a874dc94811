using System.Globalization;
using System.Text;

namespace Checkpointing.Storage;

/// <summary>
/// What the run's lock file says about its writer: who (pid, host, since when), which writer
/// generation (one more than the previous writer's, so every opening of the run for writing has its
/// own number, recorded in each checkpoint it writes), and the fences left by takeovers. A fence
/// <c>G:S</c> says that generation <c>G</c> lost the run by a takeover when its newest checkpoint was
/// at step <c>S</c>: a checkpoint of generation ≤ G above step S was published late by a writer that
/// no longer owned the run, and is not taken for the latest.
/// </summary>
internal sealed record WriterRecord(int? ProcessId, string? Host, long Generation, IReadOnlyList<WriterFence> Fences)
{
    /// <summary>How many fences are carried from record to record (the newest ones).</summary>
    public const int KeptFences = 16;

    public static WriterRecord Parse(string? text)
    {
        int? pid = null;
        string? host = null;
        long generation = 0;
        var fences = new List<WriterFence>();
        foreach (var line in (text ?? string.Empty).Split('\n'))
        {
            if (line.StartsWith("pid=", StringComparison.Ordinal) && int.TryParse(line.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var p))
            {
                pid = p;
            }
            else if (line.StartsWith("host=", StringComparison.Ordinal))
            {
                host = line[5..];
            }
            else if (line.StartsWith("generation=", StringComparison.Ordinal) && long.TryParse(line.AsSpan(11), NumberStyles.None, CultureInfo.InvariantCulture, out var g))
            {
                // The highest: a rewrite cut short (new record over a longer old one) leaves old lines behind it.
                generation = Math.Max(generation, g);
            }
            else if (line.StartsWith("fence=", StringComparison.Ordinal) && WriterFence.TryParse(line.AsSpan(6), out var fence) && !fences.Contains(fence))
            {
                fences.Add(fence);
            }
        }

        return new WriterRecord(pid, host, generation, fences);
    }

    /// <summary>This record with its takeover fence (the last one) raised to <paramref name="step"/>: what was published before the takeover took effect.</summary>
    public WriterRecord WithLastFenceAt(long step) =>
        this with { Fences = [.. Fences.Take(Fences.Count - 1), Fences[^1] with { Step = Math.Max(Fences[^1].Step, step) }] };

    /// <summary>
    /// The record of the next writer after this one; with <paramref name="fencedAtStep"/>, one that takes the run over from this one.
    /// <paramref name="published"/> is what the run's checkpoints say: the highest <c>writerGeneration</c> among their manifests
    /// and the highest step among their names. The new generation is above both this record's and the checkpoints' (a record
    /// that was deleted, or is older than the checkpoints, must not restart generations below them), and when the checkpoints'
    /// generation is the higher, the writers of those generations are fenced at the highest step: this record did not know
    /// them, and whatever they publish from now on is late.
    /// </summary>
    public WriterRecord Successor(int processId, string host, long? fencedAtStep, PublishedCheckpoints published = default)
    {
        var previous = Math.Max(Generation, published.HighestGeneration);
        var fences = new List<WriterFence>(Fences);
        if (fencedAtStep is long step)
        {
            fences.Add(new WriterFence(previous, step));
        }
        else if (published.HighestGeneration > Generation)
        {
            fences.Add(new WriterFence(published.HighestGeneration, published.HighestStep));
        }

        if (fences.Count > KeptFences)
        {
            fences.RemoveRange(0, fences.Count - KeptFences);
        }

        return new WriterRecord(processId, host, previous + 1, fences);
    }

    /// <summary>True when a fence says that a checkpoint of <paramref name="generation"/> at <paramref name="step"/> was published after its writer lost the run.</summary>
    public bool Excludes(long? generation, long step)
    {
        foreach (var fence in Fences)
        {
            if ((generation ?? 0) <= fence.Generation && step > fence.Step)
            {
                return true;
            }
        }

        return false;
    }

    public string Format(DateTimeOffset since)
    {
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"pid={ProcessId}\nhost={Host}\nsince={since:O}\ngeneration={Generation}\n");
        foreach (var fence in Fences)
        {
            text.Append(CultureInfo.InvariantCulture, $"fence={fence.Generation}:{fence.Step}\n");
        }

        return text.ToString();
    }
}

/// <summary>What a run's published checkpoints say about their writers, for the next writer's record.</summary>
/// <param name="HighestGeneration">The highest <c>writerGeneration</c> in their manifests (0 when none has one).</param>
/// <param name="HighestStep">The highest step among their names.</param>
internal readonly record struct PublishedCheckpoints(long HighestGeneration, long HighestStep);

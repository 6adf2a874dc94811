using Checkpointing.Storage;

namespace Checkpointing.Retention;

/// <summary>
/// Decides which checkpoints a save makes redundant. Pure: it reads a list and returns a list,
/// so every rule is tested without files. The newest checkpoint, the one just written and the
/// best one are never in the result.
/// </summary>
internal sealed class RetentionPlanner(CheckpointOptions options)
{
    /// <param name="all">Every checkpoint of the run.</param>
    /// <param name="justWritten">The checkpoint the save just wrote.</param>
    /// <param name="newestValid">The newest checkpoint known to be readable, when a damaged one may sort after it.</param>
    public IReadOnlyList<RetentionCandidate> PlanDeletions(IReadOnlyList<RetentionCandidate> all, CheckpointFileName? justWritten, CheckpointFileName? newestValid = null)
    {
        if (all.Count == 0)
        {
            return [];
        }

        if (options.BestMetric is null && options.KeepEvery is null && options.MaxTotalBytes is null)
        {
            return PlanLastN(all, justWritten, newestValid);
        }

        return PlanAllRules(all, justWritten, newestValid);
    }

    /// <summary>
    /// <see cref="PlanDeletions"/> when last-N is the only rule (the defaults): the same result, without
    /// LINQ or hash sets, which a process's first save would otherwise spend milliseconds compiling.
    /// </summary>
    internal IReadOnlyList<RetentionCandidate> PlanLastN(IReadOnlyList<RetentionCandidate> all, CheckpointFileName? justWritten, CheckpointFileName? newestValid)
    {
        if (options.KeepLastN is not int lastN || all.Count <= lastN)
        {
            return [];
        }

        var ordered = new RetentionCandidate[all.Count];
        for (var i = 0; i < ordered.Length; i++)
        {
            ordered[i] = all[i];
        }

        Array.Sort(ordered, static (a, b) => a.Name.CompareTo(b.Name));

        // The newest N are kept, and with them the newest of all (N ≥ 1); of the older ones, only the
        // one just written and the newest valid one are protected.
        var deletions = new List<RetentionCandidate>(ordered.Length - lastN);
        for (var i = 0; i < ordered.Length - lastN; i++)
        {
            var name = ordered[i].Name;
            if (!name.Equals(justWritten) && !name.Equals(newestValid))
            {
                deletions.Add(ordered[i]);
            }
        }

        return deletions;
    }

    /// <summary><see cref="PlanDeletions"/> with every rule; also the reference that <see cref="PlanLastN"/> is tested against.</summary>
    internal IReadOnlyList<RetentionCandidate> PlanAllRules(IReadOnlyList<RetentionCandidate> all, CheckpointFileName? justWritten, CheckpointFileName? newestValid)
    {
        if (all.Count == 0)
        {
            return [];
        }

        var ordered = all.OrderBy(c => c.Name).ToList();
        var protectedNames = new HashSet<CheckpointFileName> { ordered[^1].Name };
        if (justWritten is not null)
        {
            protectedNames.Add(justWritten);
        }

        if (newestValid is not null)
        {
            protectedNames.Add(newestValid);
        }

        var best = BestFirst(ordered);
        if (best.Count > 0)
        {
            protectedNames.Add(best[0].Name);
        }

        var keep = new HashSet<CheckpointFileName>(protectedNames);
        if (options.KeepLastN is int lastN)
        {
            foreach (var c in ordered.TakeLast(lastN))
            {
                keep.Add(c.Name);
            }
        }
        else
        {
            keep.UnionWith(ordered.Select(c => c.Name));
        }

        foreach (var c in best.Take(Math.Max(options.KeepBestN, 0)))
        {
            keep.Add(c.Name);
        }

        if (options.KeepEvery is TimeSpan every)
        {
            DateTime? lastKept = null;
            foreach (var c in ordered.OrderBy(c => c.Name.TimestampUtc))
            {
                if (lastKept is null || c.Name.TimestampUtc - lastKept.Value >= every)
                {
                    keep.Add(c.Name);
                    lastKept = c.Name.TimestampUtc;
                }
            }
        }

        var deletions = ordered.Where(c => !keep.Contains(c.Name)).ToList();
        if (options.MaxTotalBytes is long cap)
        {
            var total = ordered.Sum(c => c.StoredBytes) - deletions.Sum(c => c.StoredBytes);
            foreach (var c in ordered)
            {
                if (total <= cap)
                {
                    break;
                }

                if (keep.Contains(c.Name) && !protectedNames.Contains(c.Name))
                {
                    deletions.Add(c);
                    total -= c.StoredBytes;
                }
            }
        }

        return deletions;
    }

    /// <summary>The index of the newest name older than <paramref name="below"/> (of all, when null); -1 when there is none.</summary>
    internal static int NewestBelow(List<(CheckpointFileName Name, long Length)> names, CheckpointFileName? below)
    {
        var newest = -1;
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i].Name;
            if ((below is null || name.CompareTo(below) < 0) && (newest < 0 || name.CompareTo(names[newest].Name) > 0))
            {
                newest = i;
            }
        }

        return newest;
    }

    private List<RetentionCandidate> BestFirst(List<RetentionCandidate> ordered)
    {
        if (options.BestMetric is null)
        {
            return [];
        }

        var withValue = ordered.Where(c => c.BestValue is double v && !double.IsNaN(v));

        // Among equal values the newest wins, so ties resolve towards recent work.
        return options.BestMetricMode == BestMetricMode.Max
            ? withValue.OrderByDescending(c => c.BestValue).ThenByDescending(c => c.Name).ToList()
            : withValue.OrderBy(c => c.BestValue).ThenByDescending(c => c.Name).ToList();
    }
}

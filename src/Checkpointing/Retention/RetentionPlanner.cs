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

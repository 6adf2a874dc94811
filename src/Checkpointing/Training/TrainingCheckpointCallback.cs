using System.Globalization;
using Checkpointing.Diagnostics;
using Checkpointing.Studies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Checkpointing.Training;

/// <summary>
/// Saves a training run's checkpoints at the right moments (the seed's name): call a hook after each
/// trial, episode or step, and it saves when any policy in <see cref="TrainingCheckpointOptions"/> says
/// so; call <see cref="OnInterrupted{TState}"/>, <see cref="OnCompleted{TState}"/> or
/// <see cref="OnFailed{TState}"/> when the run stops. As an <see cref="IStudyCallback"/> it checkpoints a
/// <see cref="Study"/> after its trials.
/// </summary>
/// <remarks>
/// <para>
/// Use one progress unit per run: the step of every checkpoint is the count of that unit finished
/// (trials, episodes + 1, or steps), so the newest checkpoint is the one with the most work.
/// </para>
/// <para>
/// Every checkpoint gets the tags <c>sessions</c> (which run of the program wrote it: one more than
/// the highest in the run's checkpoints when the callback was created, so create it after deciding
/// whether to resume or start fresh) and <c>trigger</c> (which policies fired); with
/// <see cref="TrainingCheckpointOptions.SaveOnImprovement"/>, <c>best.&lt;metric&gt;</c>; interrupted
/// checkpoints <c>signal</c>; failed ones <c>error</c> and <c>stack</c>.
/// </para>
/// <para>A save failure propagates from the hook as the manager's exception. Not thread-safe: call the hooks from one thread.</para>
/// </remarks>
public sealed class TrainingCheckpointCallback : IStudyCallback
{
    /// <summary>The tag holding the session number (1 for the run's first process).</summary>
    public const string SessionsTag = "sessions";

    /// <summary>The tag listing why a checkpoint was saved, e.g. <c>every 10 trials, improvement</c>.</summary>
    public const string TriggerTag = "trigger";

    /// <summary>The tag holding the signal that interrupted the run, e.g. <c>SIGTERM</c>.</summary>
    public const string SignalTag = "signal";

    /// <summary>The tag holding a failure's exception type and message.</summary>
    public const string ErrorTag = "error";

    /// <summary>The tag holding a failure's stack trace, cut to <see cref="MaxStackTraceLength"/> characters.</summary>
    public const string StackTag = "stack";

    /// <summary>The prefix of the tag holding the best value of the improvement metric so far: <c>best.&lt;metric&gt;</c>.</summary>
    public const string BestTagPrefix = "best.";

    /// <summary>The metric name under which <see cref="OnEpisodeEnd{TState}"/> records the episode's reward.</summary>
    public const string RewardMetric = "reward";

    /// <summary>The metric name under which a study trial's objective value is recorded.</summary>
    public const string ValueMetric = "value";

    /// <summary>The metric name under which a study's best value so far is recorded.</summary>
    public const string BestValueMetric = "best_value";

    /// <summary>The longest stack trace kept in the <see cref="StackTag"/> tag.</summary>
    public const int MaxStackTraceLength = 4000;

    private readonly TrainingCheckpointOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _lastSaveTimestamp;
    private long? _lastHookTimestamp;
    private double? _best;

    /// <summary>Creates a callback that saves through <paramref name="manager"/>.</summary>
    /// <param name="manager">A writable manager for the run.</param>
    /// <param name="options">When to save; null uses the defaults (save on interrupt, completion and failure only).</param>
    /// <exception cref="ArgumentException">The manager is read-only, or an option is out of range.</exception>
    public TrainingCheckpointCallback(CheckpointManager manager, TrainingCheckpointOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manager);
        if (manager.IsReadOnly)
        {
            throw new ArgumentException($"The manager of run '{manager.ProcessType}/{manager.Name}' is read-only; the callback needs one that can save.", nameof(manager));
        }

        _options = options ?? new TrainingCheckpointOptions();
        Validate(_options);
        Manager = manager;
        _time = _options.TimeProvider;
        _logger = (_options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<TrainingCheckpointCallback>();
        _lastSaveTimestamp = _time.GetTimestamp();
        (Session, _best) = ReadHistory(manager.List());
    }

    /// <summary>The manager the callback saves through.</summary>
    public CheckpointManager Manager { get; }

    /// <summary>Which run of the program this is: 1 on a fresh run, one more than the previous session's on a resume.</summary>
    public int Session { get; }

    /// <summary>The best value of the improvement metric so far (including earlier sessions'), or null.</summary>
    public double? BestMetricValue => _best;

    /// <summary>The metadata of the last checkpoint this callback saved, or null.</summary>
    public CheckpointMetadata? LastCheckpoint { get; private set; }

    /// <summary>How many checkpoints this callback has saved.</summary>
    public int SaveCount { get; private set; }

    /// <summary>How long the last save took, or null before the first.</summary>
    public TimeSpan? LastSaveDuration { get; private set; }

    /// <summary>The longest save so far, or null before the first.</summary>
    public TimeSpan? LongestSaveDuration { get; private set; }

    /// <summary>
    /// Call after a trial has finished. Saves when <see cref="TrainingCheckpointOptions.SaveEveryNTrials"/>
    /// divides <paramref name="completedTrials"/>, when <see cref="TrainingCheckpointOptions.SaveEvery"/> has
    /// passed, or when the improvement metric improved.
    /// </summary>
    /// <param name="completedTrials">Trials finished so far, including this one: the checkpoint's step.</param>
    /// <param name="totalTrials">The planned number of trials, for progress.</param>
    /// <param name="state">The state to save.</param>
    /// <param name="metrics">Named numbers to save and to judge improvement by.</param>
    /// <returns>The new checkpoint's metadata, or null when no policy fired.</returns>
    public CheckpointMetadata? OnTrialFinished<TState>(long completedTrials, long? totalTrials, TState state, IReadOnlyDictionary<string, double>? metrics = null) =>
        Execute(PlanProgress(completedTrials, completedTrials, totalTrials, _options.SaveEveryNTrials, "trials", metrics, extraMetric: null), () => state);

    /// <summary>Asynchronous <see cref="OnTrialFinished{TState}"/>.</summary>
    public Task<CheckpointMetadata?> OnTrialFinishedAsync<TState>(long completedTrials, long? totalTrials, TState state, IReadOnlyDictionary<string, double>? metrics = null, CancellationToken cancellationToken = default) =>
        ExecuteAsync(PlanProgress(completedTrials, completedTrials, totalTrials, _options.SaveEveryNTrials, "trials", metrics, extraMetric: null), state, cancellationToken);

    /// <summary>
    /// Call after an episode has ended. The checkpoint's step is <paramref name="episode"/> + 1 (episodes
    /// finished); the reward is saved as the <c>reward</c> metric unless <paramref name="metrics"/> has one.
    /// </summary>
    /// <param name="episode">The 0-based index of the episode that just ended.</param>
    /// <param name="reward">The episode's total reward.</param>
    /// <param name="state">The state to save.</param>
    /// <param name="totalEpisodes">The planned number of episodes, for progress.</param>
    /// <param name="metrics">Further named numbers.</param>
    /// <returns>The new checkpoint's metadata, or null when no policy fired.</returns>
    public CheckpointMetadata? OnEpisodeEnd<TState>(long episode, double reward, TState state, long? totalEpisodes = null, IReadOnlyDictionary<string, double>? metrics = null) =>
        Execute(PlanEpisode(episode, reward, totalEpisodes, metrics), () => state);

    /// <summary>Asynchronous <see cref="OnEpisodeEnd{TState}"/>.</summary>
    public Task<CheckpointMetadata?> OnEpisodeEndAsync<TState>(long episode, double reward, TState state, long? totalEpisodes = null, IReadOnlyDictionary<string, double>? metrics = null, CancellationToken cancellationToken = default) =>
        ExecuteAsync(PlanEpisode(episode, reward, totalEpisodes, metrics), state, cancellationToken);

    /// <summary>Call after a training step (batch, optimizer update) has finished.</summary>
    /// <param name="step">Steps finished so far, including this one: the checkpoint's step.</param>
    /// <param name="state">The state to save.</param>
    /// <param name="totalSteps">The planned number of steps, for progress.</param>
    /// <param name="metrics">Named numbers to save and to judge improvement by.</param>
    /// <returns>The new checkpoint's metadata, or null when no policy fired.</returns>
    public CheckpointMetadata? OnStepEnd<TState>(long step, TState state, long? totalSteps = null, IReadOnlyDictionary<string, double>? metrics = null) =>
        Execute(PlanProgress(step, step, totalSteps, _options.SaveEveryNSteps, "steps", metrics, extraMetric: null), () => state);

    /// <summary>Asynchronous <see cref="OnStepEnd{TState}"/>.</summary>
    public Task<CheckpointMetadata?> OnStepEndAsync<TState>(long step, TState state, long? totalSteps = null, IReadOnlyDictionary<string, double>? metrics = null, CancellationToken cancellationToken = default) =>
        ExecuteAsync(PlanProgress(step, step, totalSteps, _options.SaveEveryNSteps, "steps", metrics, extraMetric: null), state, cancellationToken);

    /// <summary>
    /// Call when the run stops because of a signal or another requested stop, after the last unit of
    /// work that is to be kept: saves with status <see cref="CheckpointStatus.Interrupted"/> (tagged
    /// with the handler's signal), unless <see cref="TrainingCheckpointOptions.SaveOnInterrupt"/> is off.
    /// </summary>
    /// <param name="step">Work finished so far (trials, episodes, steps).</param>
    /// <param name="state">The state to save.</param>
    /// <param name="total">The planned total, for progress.</param>
    /// <param name="metrics">Named numbers to save.</param>
    /// <returns>The new checkpoint's metadata (durable when this returns), or null when the option is off.</returns>
    public CheckpointMetadata? OnInterrupted<TState>(long step, TState state, long? total = null, IReadOnlyDictionary<string, double>? metrics = null) =>
        Execute(PlanFinal(step, total, CheckpointStatus.Interrupted, metrics, error: null), () => state);

    /// <summary>Asynchronous <see cref="OnInterrupted{TState}"/>.</summary>
    public Task<CheckpointMetadata?> OnInterruptedAsync<TState>(long step, TState state, long? total = null, IReadOnlyDictionary<string, double>? metrics = null, CancellationToken cancellationToken = default) =>
        ExecuteAsync(PlanFinal(step, total, CheckpointStatus.Interrupted, metrics, error: null), state, cancellationToken);

    /// <summary>
    /// Call when the work is done: saves with status <see cref="CheckpointStatus.Completed"/>, unless
    /// <see cref="TrainingCheckpointOptions.SaveOnCompletion"/> is off.
    /// </summary>
    /// <returns>The new checkpoint's metadata, or null when the option is off.</returns>
    public CheckpointMetadata? OnCompleted<TState>(long step, TState state, long? total = null, IReadOnlyDictionary<string, double>? metrics = null) =>
        Execute(PlanFinal(step, total, CheckpointStatus.Completed, metrics, error: null), () => state);

    /// <summary>Asynchronous <see cref="OnCompleted{TState}"/>.</summary>
    public Task<CheckpointMetadata?> OnCompletedAsync<TState>(long step, TState state, long? total = null, IReadOnlyDictionary<string, double>? metrics = null, CancellationToken cancellationToken = default) =>
        ExecuteAsync(PlanFinal(step, total, CheckpointStatus.Completed, metrics, error: null), state, cancellationToken);

    /// <summary>
    /// Call from the handler of an unexpected exception, with the state as of the last finished unit:
    /// saves with status <see cref="CheckpointStatus.Failed"/> and the tags <c>error</c> (type and
    /// message) and <c>stack</c>, unless <see cref="TrainingCheckpointOptions.SaveOnFailure"/> is off.
    /// Rethrow the exception afterwards. If the save itself fails, its exception propagates instead.
    /// </summary>
    /// <returns>The new checkpoint's metadata, or null when the option is off.</returns>
    public CheckpointMetadata? OnFailed<TState>(long step, TState state, Exception error, long? total = null, IReadOnlyDictionary<string, double>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Execute(PlanFinal(step, total, CheckpointStatus.Failed, metrics, error), () => state);
    }

    /// <summary>Asynchronous <see cref="OnFailed{TState}"/>.</summary>
    public Task<CheckpointMetadata?> OnFailedAsync<TState>(long step, TState state, Exception error, long? total = null, IReadOnlyDictionary<string, double>? metrics = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        return ExecuteAsync(PlanFinal(step, total, CheckpointStatus.Failed, metrics, error), state, cancellationToken);
    }

    /// <summary>
    /// The <see cref="IStudyCallback"/> hook: after each finished trial of a study, applies the trial
    /// policies with step = the study's finished trials, total = its target, and the metrics
    /// <c>value</c> (this trial's, when it has one) and <c>best_value</c>; a save stores
    /// <see cref="Study.CreateSnapshot"/>. The trial that reaches the target is not saved here when
    /// <see cref="TrainingCheckpointOptions.SaveOnCompletion"/> is on: call <see cref="OnStudyStopped"/>
    /// after <c>Optimize</c>, which saves it as <see cref="CheckpointStatus.Completed"/>.
    /// </summary>
    public void OnTrialFinished(Study study, FinishedTrial trial)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(trial);
        var plan = PlanProgress(study.CompletedTrials, study.CompletedTrials, study.TargetTrials, _options.SaveEveryNTrials, "trials", StudyMetrics(study, trial), extraMetric: null);

        // The last trial of the target is followed by OnStudyStopped's Completed save at the same step;
        // a progress save now would only duplicate it (the trial itself is already in the study journal).
        var completesTarget = study.TargetTrials is { } target && study.CompletedTrials >= target && _options.SaveOnCompletion;
        if (!completesTarget)
        {
            Execute(plan, study.CreateSnapshot);
        }
    }

    /// <summary>
    /// Saves a study's final checkpoint once <see cref="Study.Optimize(Func{Trial, double}, int, IEnumerable{IStudyCallback}?, CancellationToken)"/>
    /// returned or threw: <see cref="CheckpointStatus.Failed"/> when given the <paramref name="error"/> it threw,
    /// <see cref="CheckpointStatus.Interrupted"/> when it was interrupted, <see cref="CheckpointStatus.Completed"/> when it
    /// reached its target, else <see cref="CheckpointStatus.InProgress"/> — each subject to the same option as the other final hooks.
    /// </summary>
    /// <param name="study">The study.</param>
    /// <param name="error">The exception <c>Optimize</c> threw, if it did.</param>
    /// <returns>The new checkpoint's metadata, or null when the matching option is off.</returns>
    public CheckpointMetadata? OnStudyStopped(Study study, Exception? error = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        var metrics = StudyMetrics(study, trial: null);
        var status = error is not null ? CheckpointStatus.Failed
            : study.WasInterrupted ? CheckpointStatus.Interrupted
            : study.TargetTrials is { } target && study.CompletedTrials >= target ? CheckpointStatus.Completed
            : CheckpointStatus.InProgress;
        var plan = status == CheckpointStatus.InProgress
            ? new SavePlan(study.CompletedTrials, study.TargetTrials, status, metrics, ["study stopped"], null)
            : PlanFinal(study.CompletedTrials, study.TargetTrials, status, metrics, error);
        return Execute(plan, study.CreateSnapshot);
    }

    private static void Validate(TrainingCheckpointOptions o)
    {
        static void Positive(int? value, string name)
        {
            if (value is <= 0)
            {
                throw new ArgumentException($"TrainingCheckpointOptions.{name} is {value}; it must be positive, or null to turn it off.", "options");
            }
        }

        Positive(o.SaveEveryNTrials, nameof(o.SaveEveryNTrials));
        Positive(o.SaveEveryNEpisodes, nameof(o.SaveEveryNEpisodes));
        Positive(o.SaveEveryNSteps, nameof(o.SaveEveryNSteps));
        if (o.SaveEvery is { } every && every <= TimeSpan.Zero)
        {
            throw new ArgumentException($"TrainingCheckpointOptions.SaveEvery is {every}; it must be positive, or null to turn it off.", "options");
        }

        if (o.SaveOnImprovement is { } metric && string.IsNullOrWhiteSpace(metric))
        {
            throw new ArgumentException("TrainingCheckpointOptions.SaveOnImprovement must name a metric, or be null to turn it off.", "options");
        }

        if (!Enum.IsDefined(o.ImprovementMode))
        {
            throw new ArgumentException($"TrainingCheckpointOptions.ImprovementMode has the undefined value {(int)o.ImprovementMode}.", "options");
        }

        if (o.TimeProvider is null)
        {
            throw new ArgumentException("TrainingCheckpointOptions.TimeProvider must not be null.", "options");
        }
    }

    private static Dictionary<string, double> StudyMetrics(Study study, FinishedTrial? trial)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (trial?.Value is { } value && double.IsFinite(value))
        {
            metrics[ValueMetric] = value;
        }

        if (study.BestValue is { } best && double.IsFinite(best))
        {
            metrics[BestValueMetric] = best;
        }

        return metrics;
    }

    private (int Session, double? Best) ReadHistory(IReadOnlyList<CheckpointMetadata> history)
    {
        var previous = 0;
        double? best = null;
        var bestTag = _options.SaveOnImprovement is { } m ? BestTagPrefix + m : null;
        foreach (var checkpoint in history)
        {
            var sessions = 1;
            if (checkpoint.Tags.TryGetValue(SessionsTag, out var text)
                && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out sessions) || sessions < 1))
            {
                Log.SessionsTagUnreadable(_logger, SessionsTag, text, 1);
                sessions = 1;
            }

            previous = Math.Max(previous, sessions);
            if (_options.SaveOnImprovement is { } metric)
            {
                if (checkpoint.Metrics.TryGetValue(metric, out var value) && IsImprovement(value, best))
                {
                    best = value;
                }

                if (checkpoint.Tags.TryGetValue(bestTag!, out var bestText)
                    && double.TryParse(bestText, NumberStyles.Float, CultureInfo.InvariantCulture, out var recorded)
                    && IsImprovement(recorded, best))
                {
                    best = recorded;
                }
            }
        }

        return (previous + 1, best);
    }

    private bool IsImprovement(double value, double? best) =>
        double.IsFinite(value) && (best is not { } b || (_options.ImprovementMode == BestMetricMode.Min ? value < b : value > b));

    private SavePlan? PlanEpisode(long episode, double reward, long? totalEpisodes, IReadOnlyDictionary<string, double>? metrics)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(episode);
        ArgumentOutOfRangeException.ThrowIfEqual(episode, long.MaxValue);
        return PlanProgress(episode + 1, episode + 1, totalEpisodes, _options.SaveEveryNEpisodes, "episodes", metrics, (RewardMetric, reward));
    }

    private SavePlan? PlanProgress(long step, long count, long? total, int? everyN, string unit, IReadOnlyDictionary<string, double>? metrics, (string Name, double Value)? extraMetric)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var now = _time.GetTimestamp();
        if (_lastHookTimestamp is { } previousHook)
        {
            _options.InterruptHandler?.RecordUnitDuration(_time.GetElapsedTime(previousHook, now));
        }

        _lastHookTimestamp = now;
        Dictionary<string, double>? merged = null;
        if (extraMetric is { } extra && (metrics is null || !metrics.ContainsKey(extra.Name)))
        {
            merged = metrics is null ? new(StringComparer.Ordinal) : new(metrics, StringComparer.Ordinal);
            merged[extra.Name] = extra.Value;
        }

        var allMetrics = (IReadOnlyDictionary<string, double>?)merged ?? metrics;
        var triggers = new List<string>(3);
        if (everyN is { } n && count > 0 && count % n == 0)
        {
            triggers.Add($"every {n.ToString(CultureInfo.InvariantCulture)} {unit}");
        }

        if (_options.SaveEvery is { } interval && _time.GetElapsedTime(_lastSaveTimestamp, now) >= interval)
        {
            triggers.Add("time");
        }

        if (_options.SaveOnImprovement is { } metric && allMetrics is not null && allMetrics.TryGetValue(metric, out var value) && IsImprovement(value, _best))
        {
            _best = value;
            triggers.Add("improvement");
        }

        return triggers.Count == 0 ? null : new SavePlan(step, total, CheckpointStatus.InProgress, allMetrics, triggers, null);
    }

    private SavePlan? PlanFinal(long step, long? total, CheckpointStatus status, IReadOnlyDictionary<string, double>? metrics, Exception? error)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var enabled = status switch
        {
            CheckpointStatus.Interrupted => _options.SaveOnInterrupt,
            CheckpointStatus.Completed => _options.SaveOnCompletion,
            _ => _options.SaveOnFailure,
        };
        if (!enabled)
        {
            return null;
        }

        var trigger = status switch
        {
            CheckpointStatus.Interrupted => "interrupt",
            CheckpointStatus.Completed => "completion",
            _ => "failure",
        };
        return new SavePlan(step, total, status, metrics, [trigger], error);
    }

    private Dictionary<string, string> Tags(SavePlan plan)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [SessionsTag] = Session.ToString(CultureInfo.InvariantCulture),
            [TriggerTag] = string.Join(", ", plan.Triggers),
        };
        if (_options.SaveOnImprovement is { } metric && _best is { } best)
        {
            tags[BestTagPrefix + metric] = best.ToString("R", CultureInfo.InvariantCulture);
        }

        if (plan.Status == CheckpointStatus.Interrupted && _options.InterruptHandler?.Signal is { } signal)
        {
            tags[SignalTag] = signal.ToString();
        }

        if (plan.Error is { } error)
        {
            tags[ErrorTag] = $"{error.GetType().FullName}: {error.Message}";
            var stack = error.StackTrace ?? string.Empty;
            tags[StackTag] = stack.Length <= MaxStackTraceLength ? stack : string.Concat(stack.AsSpan(0, MaxStackTraceLength), "…");
        }

        return tags;
    }

    private CheckpointMetadata? Execute<TState>(SavePlan? plan, Func<TState> state)
    {
        if (plan is null)
        {
            return null;
        }

        var started = _time.GetTimestamp();
        var saved = Manager.Save(state(), plan.Step, plan.Total, plan.Status, plan.Metrics, Tags(plan));
        return Record(plan, saved, started);
    }

    private async Task<CheckpointMetadata?> ExecuteAsync<TState>(SavePlan? plan, TState state, CancellationToken cancellationToken)
    {
        if (plan is null)
        {
            return null;
        }

        var started = _time.GetTimestamp();
        var saved = await Manager.SaveAsync(state, plan.Step, plan.Total, plan.Status, plan.Metrics, Tags(plan), cancellationToken: cancellationToken).ConfigureAwait(false);
        return Record(plan, saved, started);
    }

    private CheckpointMetadata Record(SavePlan plan, CheckpointMetadata saved, long started)
    {
        var finished = _time.GetTimestamp();
        var duration = _time.GetElapsedTime(started, finished);
        _lastSaveTimestamp = finished;
        if (_lastHookTimestamp is not null)
        {
            _lastHookTimestamp = finished;
        }

        LastCheckpoint = saved;
        SaveCount++;
        LastSaveDuration = duration;
        if (LongestSaveDuration is null || duration > LongestSaveDuration)
        {
            LongestSaveDuration = duration;
        }

        _options.InterruptHandler?.RecordSaveDuration(duration);
        Log.TrainingSaved(_logger, saved.Id, saved.Step, saved.Status.ToString(), string.Join(", ", plan.Triggers), duration.TotalMilliseconds);
        return saved;
    }

    private sealed record SavePlan(long Step, long? Total, CheckpointStatus Status, IReadOnlyDictionary<string, double>? Metrics, IReadOnlyList<string> Triggers, Exception? Error);
}

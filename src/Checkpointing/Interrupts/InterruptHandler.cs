using System.Globalization;
using System.Runtime.InteropServices;
using Checkpointing.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Checkpointing.Interrupts;

/// <summary>
/// Turns SIGINT (Ctrl+C), SIGTERM (<c>docker stop</c>, Kubernetes, spot termination) and SIGHUP into
/// a cancellation token, so a program that is not hosted can finish (or abandon) its current unit of
/// work, save a final checkpoint with status <see cref="CheckpointStatus.Interrupted"/>, and exit
/// with the conventional code. A second signal exits at once.
/// </summary>
/// <remarks>
/// <para>
/// Once installed, the signals no longer end the process: the program must notice
/// <see cref="StopRequested"/>, save, and return <see cref="ExitCode"/> from <c>Main</c> (130 after
/// SIGINT, 143 after SIGTERM, 129 after SIGHUP — what shells and supervisors expect of a process
/// that was stopped by that signal):
/// </para>
/// <code>
/// static int Main()
/// {
///     using var interrupts = InterruptHandler.Install(new InterruptOptions { UnitName = "episode" });
///     using var manager = new CheckpointManager("rl", "cartpole");
///     var callback = new TrainingCheckpointCallback(manager, new TrainingCheckpointOptions { SaveEveryNEpisodes = 100, InterruptHandler = interrupts });
///     var (_, start, state) = manager.Resume(() => new AgentState());
///     for (var episode = start; episode &lt; 1000; episode++)
///     {
///         if (interrupts.StopRequested)
///         {
///             callback.OnInterrupted(episode, state, 1000);
///             return interrupts.ExitCode;
///         }
///
///         var reward = RunEpisode(state, interrupts.WorkToken);
///         callback.OnEpisodeEnd(episode, reward, state, 1000);
///     }
///
///     callback.OnCompleted(1000, state, 1000);
///     return 0;
/// }
/// </code>
/// <para>
/// To record an unexpected exception as well, wrap the loop in <c>try</c>/<c>catch</c>, call
/// <c>callback.OnFailed(step, state, exception, total)</c> (status <see cref="CheckpointStatus.Failed"/>
/// with the error text) and rethrow.
/// </para>
/// <para>
/// Only one handler can be installed per process at a time; dispose it to restore the default
/// behaviour of the signals. The signal callbacks run on a thread-pool thread; the handler's members
/// are thread-safe.
/// </para>
/// </remarks>
public sealed class InterruptHandler : IDisposable
{
    /// <summary>The exit code after SIGHUP: 128 + 1.</summary>
    public const int SigHupExitCode = 129;

    /// <summary>The exit code after SIGINT: 128 + 2.</summary>
    public const int SigIntExitCode = 130;

    /// <summary>The exit code after SIGTERM: 128 + 15.</summary>
    public const int SigTermExitCode = 143;

    private static readonly Lock InstallLock = new();
    private static InterruptHandler? _installed;

    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly InterruptOptions _options;
    private readonly Action<int> _exit;
    private readonly ILogger _logger;
    private readonly string _unitName;
    private PosixSignalRegistration[] _registrations = [];
    private int _signalCount;
    private PosixSignal? _signal;
    private TimeSpan? _longestSave;
    private TimeSpan? _longestUnit;
    private TimeSpan _warnedAt;
    private bool _disposed;

    internal InterruptHandler(InterruptOptions options, Action<int> exit)
    {
        _options = options;
        _exit = exit;
        _unitName = options.UnitName;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<InterruptHandler>();
        Mode = options.Mode;
        GracePeriod = options.GracePeriod;
    }

    /// <summary>Fires on the first signal (or <see cref="Request"/>). Check it, or <see cref="StopRequested"/>, between units of work.</summary>
    public CancellationToken StopToken => _stop.Token;

    /// <summary>
    /// The token to pass into a unit of work: the same as <see cref="StopToken"/> with
    /// <see cref="InterruptMode.Abandon"/>, and <see cref="CancellationToken.None"/> with
    /// <see cref="InterruptMode.FinishCurrentUnit"/>, so the running unit is not cut short.
    /// </summary>
    public CancellationToken WorkToken => Mode == InterruptMode.Abandon ? _stop.Token : CancellationToken.None;

    /// <summary>True once a signal has arrived: stop before the next unit and save.</summary>
    public bool StopRequested => _stop.IsCancellationRequested;

    /// <summary>The first signal received, or null.</summary>
    public PosixSignal? Signal
    {
        get
        {
            lock (_gate)
            {
                return _signal;
            }
        }
    }

    /// <summary>The code to return from <c>Main</c>: 130 after SIGINT, 143 after SIGTERM, 129 after SIGHUP, 0 when no signal arrived.</summary>
    public int ExitCode => Signal is { } signal ? ExitCodeFor(signal) : 0;

    /// <summary>Whether the running unit finishes or is abandoned.</summary>
    public InterruptMode Mode { get; }

    /// <summary>The grace period saves are checked against; null when the check is off.</summary>
    public TimeSpan? GracePeriod { get; }

    /// <summary>The longest save recorded with <see cref="RecordSaveDuration"/>, or null.</summary>
    public TimeSpan? LongestSaveDuration
    {
        get
        {
            lock (_gate)
            {
                return _longestSave;
            }
        }
    }

    /// <summary>The longest unit of work recorded with <see cref="RecordUnitDuration"/>, or null.</summary>
    public TimeSpan? LongestUnitDuration
    {
        get
        {
            lock (_gate)
            {
                return _longestUnit;
            }
        }
    }

    /// <summary>
    /// The longest time from a signal to a durable final checkpoint seen so far: the longest save,
    /// plus the longest unit of work when the unit is allowed to finish. Null before any save is recorded.
    /// </summary>
    public TimeSpan? WorstCaseStopTime
    {
        get
        {
            lock (_gate)
            {
                return WorstCaseLocked();
            }
        }
    }

    /// <summary>
    /// Registers the handler for SIGINT, SIGTERM and SIGHUP, which from then on no longer end the
    /// process (see the remarks on <see cref="InterruptHandler"/> for the exit-code pattern).
    /// </summary>
    /// <param name="options">Settings; null uses the defaults.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="InvalidOperationException">A handler is already installed in this process and not yet disposed.</exception>
    public static InterruptHandler Install(InterruptOptions? options = null)
    {
        options ??= new InterruptOptions();
        Validate(options);
        lock (InstallLock)
        {
            if (_installed is not null)
            {
                throw new InvalidOperationException(
                    "An InterruptHandler is already installed in this process. Use that instance (pass it to the code that needs it), or dispose it before installing another.");
            }

            var handler = new InterruptHandler(options, Environment.Exit);
            handler._registrations =
            [
                PosixSignalRegistration.Create(PosixSignal.SIGINT, handler.OnSignal),
                PosixSignalRegistration.Create(PosixSignal.SIGTERM, handler.OnSignal),
                PosixSignalRegistration.Create(PosixSignal.SIGHUP, handler.OnSignal),
            ];
            _installed = handler;
            return handler;
        }
    }

    /// <summary>The conventional exit code for a process stopped by <paramref name="signal"/> (128 + the signal number).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="signal"/> is not SIGINT, SIGTERM or SIGHUP.</exception>
    public static int ExitCodeFor(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGINT => SigIntExitCode,
        PosixSignal.SIGTERM => SigTermExitCode,
        PosixSignal.SIGHUP => SigHupExitCode,
        _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "Only SIGINT, SIGTERM and SIGHUP are handled."),
    };

    /// <summary>
    /// Acts as if <paramref name="signal"/> had arrived: the first call requests a stop; a later one
    /// exits the process at once when <see cref="InterruptOptions.ExitOnSecondSignal"/> is set. For
    /// hosts that learn of a shutdown another way, and for tests.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="signal"/> is not SIGINT, SIGTERM or SIGHUP.</exception>
    /// <exception cref="ObjectDisposedException">The handler was disposed.</exception>
    public void Request(PosixSignal signal)
    {
        ExitCodeFor(signal);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Receive(signal);
    }

    /// <summary>
    /// Records how long a checkpoint save took. When the worst case from signal to durable checkpoint
    /// (<see cref="WorstCaseStopTime"/>) would no longer fit in <see cref="GracePeriod"/>, a warning is
    /// logged and printed (once per new worst case). <c>TrainingCheckpointCallback</c> calls this for every save.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    public void RecordSaveDuration(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        lock (_gate)
        {
            if (_longestSave is null || duration > _longestSave)
            {
                _longestSave = duration;
            }
        }

        CheckGracePeriod();
    }

    /// <summary>
    /// Records how long one unit of work took; with <see cref="InterruptMode.FinishCurrentUnit"/> a
    /// signal may have to wait for a whole unit before the final save, so it counts toward
    /// <see cref="WorstCaseStopTime"/>. <c>TrainingCheckpointCallback</c> calls this between its hooks.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    public void RecordUnitDuration(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        lock (_gate)
        {
            if (_longestUnit is null || duration > _longestUnit)
            {
                _longestUnit = duration;
            }
        }

        CheckGracePeriod();
    }

    /// <summary>Unregisters the signal handlers (the signals end the process again) and allows another <see cref="Install"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        lock (InstallLock)
        {
            if (ReferenceEquals(_installed, this))
            {
                _installed = null;
            }
        }
    }

    internal static void Validate(InterruptOptions options)
    {
        if (!Enum.IsDefined(options.Mode))
        {
            throw new ArgumentException($"InterruptOptions.Mode has the undefined value {(int)options.Mode}.", nameof(options));
        }

        if (options.GracePeriod is { } grace && grace <= TimeSpan.Zero)
        {
            throw new ArgumentException($"InterruptOptions.GracePeriod is {grace}; it must be positive, or null to turn the check off.", nameof(options));
        }

        if (string.IsNullOrWhiteSpace(options.UnitName))
        {
            throw new ArgumentException("InterruptOptions.UnitName must name the unit of work, e.g. \"trial\" or \"episode\".", nameof(options));
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        Receive(context.Signal);
    }

    private void Receive(PosixSignal signal)
    {
        var count = Interlocked.Increment(ref _signalCount);
        if (count == 1)
        {
            lock (_gate)
            {
                _signal = signal;
            }

            var action = Mode == InterruptMode.Abandon ? "abandoning" : "finishing";
            var again = !_options.ExitOnSecondSignal
                ? string.Empty
                : signal == PosixSignal.SIGINT ? " Press Ctrl+C again to exit immediately." : " Send another signal to exit immediately.";
            Notify($"Interrupt received ({signal}): {action} the current {_unitName}, then saving.{again}");
            Log.InterruptReceived(_logger, signal.ToString(), Mode.ToString());
            try
            {
                _stop.Cancel();
            }
            catch (AggregateException ex)
            {
                Log.StopCallbackFailed(_logger, ex);
            }

            return;
        }

        if (!_options.ExitOnSecondSignal)
        {
            Log.SignalIgnored(_logger, signal.ToString(), count);
            return;
        }

        var code = ExitCodeFor(signal);
        Notify($"Second interrupt ({signal}): exiting now with code {code.ToString(CultureInfo.InvariantCulture)}, without waiting for the final save; the previous checkpoint stays valid.");
        Log.ExitingOnSecondSignal(_logger, signal.ToString(), code);
        _exit(code);
    }

    private void CheckGracePeriod()
    {
        if (GracePeriod is not { } grace)
        {
            return;
        }

        TimeSpan worst, save, unit;
        lock (_gate)
        {
            if (WorstCaseLocked() is not { } w || w <= grace || w <= _warnedAt)
            {
                return;
            }

            worst = w;
            _warnedAt = w;
            save = _longestSave ?? TimeSpan.Zero;
            unit = Mode == InterruptMode.FinishCurrentUnit ? _longestUnit ?? TimeSpan.Zero : TimeSpan.Zero;
        }

        var unitPart = unit > TimeSpan.Zero ? $" after finishing a {_unitName} of up to {Seconds(unit)}" : string.Empty;
        Notify(
            $"Warning: a final checkpoint could take {Seconds(worst)} (a save of up to {Seconds(save)}{unitPart}), more than the {Seconds(grace)} grace period; " +
            "after SIGTERM the process may be killed before it is durable. Raise the grace period (Kubernetes terminationGracePeriodSeconds, docker stop --time) or make saves and units shorter.");
        Log.StopMayExceedGracePeriod(_logger, worst.TotalSeconds, save.TotalSeconds, unit.TotalSeconds, grace.TotalSeconds);
    }

    private TimeSpan? WorstCaseLocked()
    {
        if (_longestSave is not { } save)
        {
            return null;
        }

        return Mode == InterruptMode.FinishCurrentUnit && _longestUnit is { } unit ? save + unit : save;
    }

    private void Notify(string line)
    {
        var output = _options.Output ?? Console.Error;
        try
        {
            lock (output)
            {
                if (_options.Output is null && !Console.IsErrorRedirected)
                {
                    // The terminal has just echoed "^C" without a newline; start the notice on a line of its own.
                    output.WriteLine();
                }

                output.WriteLine(line);
                output.Flush();
            }
        }
        catch (IOException)
        {
            // The terminal may be gone (SIGHUP); the log still has the message.
        }
        catch (ObjectDisposedException)
        {
            // As above.
        }
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}

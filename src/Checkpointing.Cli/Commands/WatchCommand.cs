using System.CommandLine;
using System.Globalization;
using Checkpointing.Cli.Output;
using Checkpointing.Cli.Runs;
using Spectre.Console;

namespace Checkpointing.Cli.Commands;

/// <summary>
/// <c>ckpt watch TYPE/NAME</c>: follows a run as its checkpoints land — progress, rate, ETA and the newest
/// metrics — until the run completes (exit 0), fails (exit 1) or Ctrl+C (exit 130). A live panel in a terminal;
/// one line per new checkpoint when the output is piped. Reads footers only, takes no lock.
/// </summary>
internal static class WatchCommand
{
    private const int InterruptedExitCode = 130;

    public static Command Create(CommonOptions common)
    {
        var runArgument = new Argument<string>("run") { Description = "The run, as TYPE/NAME (see 'ckpt list')." };
        var interval = new Option<double>("--interval") { Description = "Seconds between looks at the run (default 1).", DefaultValueFactory = _ => 1.0 };
        var command = new Command("watch", "Follow a run live: progress, rate, ETA and the newest metrics, until it completes or Ctrl+C.") { runArgument, interval };
        command.SetAction((parsed, cancellationToken) => Run(
            new CheckpointRoot(parsed.GetRequiredValue(common.Root)),
            RunReference.Parse(parsed.GetRequiredValue(runArgument), allowStep: false),
            parsed.GetValue(interval),
            cancellationToken));
        return command;
    }

    private static async Task<int> Run(CheckpointRoot root, RunReference run, double intervalSeconds, CancellationToken cancellationToken)
    {
        if (!(intervalSeconds is > 0 and <= 3600))
        {
            throw new UsageException($"--interval {intervalSeconds.ToString(CultureInfo.InvariantCulture)} is not a number of seconds between 0 and 3600; e.g. --interval 0.5.");
        }

        // A run that does not exist yet is waited for, like one with no checkpoint yet: `ckpt watch` is often
        // started beside the job it watches, before the job's first save.
        if (!Directory.Exists(root.RunDirectory(run)))
        {
            Console.Error.WriteLine($"ckpt: no run '{run}' under {root.Directory} yet; waiting for its first checkpoint (Ctrl+C to stop).");
        }

        using var manager = root.OpenEvenIfMissing(run);
        var interval = TimeSpan.FromSeconds(intervalSeconds);
        var console = CliConsole.Create();
        try
        {
            return Console.IsOutputRedirected
                ? await FollowAsLines(manager, run, interval, cancellationToken)
                : await FollowLive(console, manager, run, interval, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            console.MarkupLine("[yellow]Stopped watching[/] (Ctrl+C); the run itself is not affected.");
            return InterruptedExitCode;
        }
    }

    /// <summary>Piped output: one line for the newest checkpoint at start and for each new one after.</summary>
    private static async Task<int> FollowAsLines(CheckpointManager manager, RunReference run, TimeSpan interval, CancellationToken cancellationToken)
    {
        string? shown = null;
        while (true)
        {
            var checkpoints = manager.List();
            if (checkpoints.Count > 0 && checkpoints[^1].Id != shown)
            {
                var newest = checkpoints[^1];
                shown = newest.Id;
                Console.Out.WriteLine($"{run} {Describe(newest, ProgressEstimate.From(checkpoints), DateTimeOffset.UtcNow)}");
                Console.Out.Flush();
                if (Finished(newest) is int exit)
                {
                    return exit;
                }
            }

            await Task.Delay(interval, cancellationToken);
        }
    }

    /// <summary>A terminal: a panel redrawn in place.</summary>
    private static async Task<int> FollowLive(IAnsiConsole console, CheckpointManager manager, RunReference run, TimeSpan interval, CancellationToken cancellationToken)
    {
        var exit = (int?)null;
        await console.Live(Panel(run, [], DateTimeOffset.UtcNow)).StartAsync(async context =>
        {
            while (exit is null)
            {
                var checkpoints = manager.List();
                context.UpdateTarget(Panel(run, checkpoints, DateTimeOffset.UtcNow));
                context.Refresh();
                if (checkpoints.Count > 0 && Finished(checkpoints[^1]) is int done)
                {
                    exit = done;
                    break;
                }

                await Task.Delay(interval, cancellationToken);
            }
        });
        return exit ?? CkptCommandLine.Ok;
    }

    private static Panel Panel(RunReference run, IReadOnlyList<CheckpointMetadata> checkpoints, DateTimeOffset now)
    {
        if (checkpoints.Count == 0)
        {
            return new Panel(new Markup("[grey]No checkpoint yet; waiting for the first save…[/]")).Header(run.ToString()).RoundedBorder();
        }

        var newest = checkpoints[^1];
        var estimate = ProgressEstimate.From(checkpoints);
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("[bold]Progress[/]", Markup.Escape(Display.Progress(newest.Step, newest.TotalSteps, Percent(newest), unicode: true)));
        grid.AddRow("[bold]Status[/]", Markup.Escape(newest.Status.ToString()));
        grid.AddRow("[bold]Rate[/]", Markup.Escape(Rate(estimate)));
        grid.AddRow("[bold]ETA[/]", Markup.Escape(Eta(estimate)));
        grid.AddRow("[bold]Newest[/]", Markup.Escape($"{newest.Id} ({Display.Age(newest.TimestampUtc, now)})"));
        grid.AddRow("[bold]Metrics[/]", Markup.Escape(newest.Metrics.Count == 0 ? "-" : Display.Metrics(newest.Metrics)));
        return new Panel(grid).Header(run.ToString()).RoundedBorder();
    }

    private static string Describe(CheckpointMetadata newest, ProgressEstimate estimate, DateTimeOffset now) =>
        string.Join(" · ", new[]
        {
            $"step {Display.Progress(newest.Step, newest.TotalSteps, Percent(newest), unicode: false)}",
            newest.Status.ToString(),
            $"rate {Rate(estimate)}",
            $"ETA {Eta(estimate)}",
            newest.Metrics.Count == 0 ? null : Display.Metrics(newest.Metrics),
            $"saved {Display.Age(newest.TimestampUtc, now)}",
        }.OfType<string>());

    private static int? Finished(CheckpointMetadata newest) => newest.Status switch
    {
        CheckpointStatus.Completed => CkptCommandLine.Ok,
        CheckpointStatus.Failed => CkptCommandLine.ProblemsFound,
        _ => null,
    };

    private static double? Percent(CheckpointMetadata m) => m.TotalSteps is long t && t > 0 ? 100.0 * m.Step / t : null;

    private static string Rate(ProgressEstimate estimate) => Display.Rate(estimate.StepsPerSecond).Replace("/", " steps/", StringComparison.Ordinal);

    private static string Eta(ProgressEstimate estimate) => Display.Duration(estimate.Remaining?.TotalSeconds);
}

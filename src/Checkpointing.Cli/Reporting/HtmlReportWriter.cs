using System.Globalization;
using System.Text;
using Checkpointing.Cli.Commands;
using Checkpointing.Cli.Output;
using Checkpointing.Cli.Runs;
using Checkpointing.Cli.Reports;
using static Checkpointing.Cli.Reporting.HtmlText;

namespace Checkpointing.Cli.Reporting;

/// <summary>
/// Builds the self-contained report page: inline CSS, inline SVG, no script and no reference to anything outside the
/// file. A contents list, then one section per run (facts, problems, events, plots), then notes on the data.
/// Every text that comes from a run (names, metrics, tags, messages) is escaped.
/// </summary>
internal static class HtmlReportWriter
{
    public static ReportPage Write(string root, IReadOnlyList<RunHistory> runs, DateTimeOffset generated)
    {
        var plots = runs.Select(RunPlots.For).ToList();
        var plotCount = plots.Sum(p => p.Count);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append($"<title>ckpt report: {Escape(runs.Count == 1 ? runs[0].Run.ToString() : root)}</title>\n")
            .Append("<style>\n").Append(ReportStyles.Css).Append("\n</style>\n</head>\n<body>\n");
        html.Append("<header><h1>Checkpointing report</h1>")
            .Append($"<p class=\"meta\">Root <code>{Escape(root)}</code> · {Count(runs.Count, "run")} · {Count(plotCount, "plot")} · generated {Escape(Display.Time(generated))} by <code>ckpt report</code></p></header>\n");

        if (runs.Count == 0)
        {
            html.Append($"<nav><p>No runs under <code>{Escape(root)}</code>.</p></nav>\n");
        }
        else
        {
            AppendContents(html, runs, plots);
            for (var i = 0; i < runs.Count; i++)
            {
                AppendRun(html, i, runs[i], plots[i]);
            }
        }

        AppendNotes(html);
        html.Append("</body>\n</html>\n");
        var reported = runs.SelectMany((run, i) => plots[i].Select(plot => new ReportedPlot(run.Run.ToString(), plot.Key, plot.PointCount))).ToList();
        return new ReportPage(html.ToString(), runs.Count, reported);
    }

    private static void AppendContents(StringBuilder html, IReadOnlyList<RunHistory> runs, IReadOnlyList<IReadOnlyList<Plot>> plots)
    {
        html.Append("<nav class=\"toc\"><h2>Runs</h2><ol>");
        for (var i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            html.Append($"<li><a href=\"#{AnchorOf(i)}\">{Escape(run.Run.ToString())}</a> {Status(run.Summary.Status)} ")
                .Append($"<span class=\"muted\">{Escape(Progress(run))} · {Count(run.Checkpoints.Count, "checkpoint")} · {Count(plots[i].Count, "plot")}</span>");
            if (run.ProblemCount > 0)
            {
                html.Append($" <span class=\"bad\">{Count(run.ProblemCount, "problem")}</span>");
            }

            html.Append("</li>");
        }

        html.Append("</ol></nav>\n");
    }

    private static void AppendRun(StringBuilder html, int index, RunHistory run, IReadOnlyList<Plot> plots)
    {
        var summary = run.Summary;
        html.Append($"<section class=\"run\" id=\"{AnchorOf(index)}\" data-run=\"{Escape(run.Run.ToString())}\">")
            .Append($"<h2>{Escape(run.Run.ProcessType)}/<b>{Escape(run.Run.Name)}</b> {Status(summary.Status)}</h2>");

        // Retention may have deleted the checkpoints of earlier sessions: the sessions tag and the study journal still count them.
        var sessions = Math.Max(RunSessions.Count(run.Checkpoints), summary.Study?.Sessions ?? 0);
        var interruptions = Math.Max(run.Events.Count(e => e.Kind == RunEventKind.Interrupted), summary.Study?.Interruptions ?? 0);
        var first = run.Checkpoints.Count == 0 ? null : run.Checkpoints.Min(c => (DateTimeOffset?)c.TimestampUtc);
        var health = $"{summary.ValidCount} valid" + (summary.Damaged.Count > 0 ? $", {summary.Damaged.Count} damaged" : string.Empty)
            + (summary.QuarantinedCount > 0 ? $", {summary.QuarantinedCount} quarantined" : string.Empty);
        html.Append("<dl class=\"facts\">");
        Fact(html, "Progress", Progress(run));
        Fact(html, "Checkpoints", $"{summary.CheckpointCount} ({health})");
        Fact(html, "Size on disk", Display.Bytes(summary.SizeBytes));
        Fact(html, "Rate", Display.Rate(summary.StepsPerSecond));
        Fact(html, "First checkpoint", first is { } f ? Display.Time(f) : "-");
        Fact(html, "Newest checkpoint", summary.NewestCheckpointUtc is { } n ? Display.Time(n) : "-");
        Fact(html, "Sessions", sessions.ToString(CultureInfo.InvariantCulture));
        Fact(html, "Interruptions", interruptions.ToString(CultureInfo.InvariantCulture));
        Fact(html, "Writer", ListCommand.Writer(summary.Writer));
        if (summary.Journal is not null || summary.Study is not null)
        {
            Fact(html, summary.Study is null ? "Journal" : "Study", ListCommand.JournalText(summary));
        }

        html.Append("</dl>");

        if (run.ProblemCount > 0)
        {
            html.Append("<div class=\"problems\"><p><b>Problems found</b> (the newest valid checkpoint, every footer and every journal record were checked; <code>ckpt verify</code> checks every byte):</p><ul>");
            foreach (var problem in run.Problems)
            {
                html.Append($"<li>{Escape(problem)}</li>");
            }

            html.Append("</ul></div>");
        }

        if (run.StateNote is not null)
        {
            html.Append($"<p class=\"note\">{Escape(run.StateNote)}</p>");
        }

        var sessionsSeen = RunSessions.Seen(run.Checkpoints);
        if (sessions > sessionsSeen && run.Checkpoints.Count > 0)
        {
            html.Append($"<p class=\"note\">{Escape($"The run has had {sessions} sessions, but the checkpoints kept come from {Count(sessionsSeen, "session")}: retention deleted the others, so their interruptions and resumes cannot be marked on the plots.")}</p>");
        }

        if (run.Events.Count > 0)
        {
            html.Append("<ul class=\"events\">");
            foreach (var e in run.Events)
            {
                html.Append($"<li><span class=\"sw m-{e.Kind.ToString().ToLowerInvariant()}\"></span> {Escape(e.Label)}</li>");
            }

            html.Append("</ul>");
        }

        if (plots.Count == 0)
        {
            html.Append("<p class=\"note\">No checkpoints to plot.</p>");
        }
        else
        {
            html.Append("<div class=\"plots\">");
            foreach (var plot in plots)
            {
                AppendFigure(html, plot);
            }

            html.Append("</div>");
        }

        html.Append("</section>\n");
    }

    private static void AppendFigure(StringBuilder html, Plot plot)
    {
        html.Append($"<figure class=\"plot\"><figcaption><h3>{Escape(plot.Title)}</h3><p>{Escape(plot.Description)}</p></figcaption>")
            .Append(SvgPlotRenderer.Render(plot))
            .Append("<ul class=\"legend\">");
        foreach (var series in plot.Series.Where(s => s.Points.Count > 0))
        {
            var shape = SvgPlotRenderer.DrawsDots(series) ? " dots" : string.Empty;
            var drawn = series.Style == SeriesStyle.Dots && !SvgPlotRenderer.DrawsDots(series) ? ", drawn as a line" : string.Empty;
            html.Append($"<li><span class=\"sw {Escape(series.ColorClass)}{shape}\"></span>{Escape(series.Name)} ({series.Points.Count.ToString(CultureInfo.InvariantCulture)}{drawn})</li>");
        }

        foreach (var kind in plot.Markers.Where(m => plot.X.Contains(m.X)).Select(m => m.Kind).Distinct().Order())
        {
            html.Append($"<li><span class=\"sw m-{kind.ToString().ToLowerInvariant()}\"></span>{kind.ToString().ToLowerInvariant()}</li>");
        }

        html.Append("</ul></figure>");
    }

    private static void AppendNotes(StringBuilder html)
    {
        html.Append("<footer><h2>About the data</h2><ul>")
            .Append("<li>Everything comes from the checkpoint files' footers (step, time, status, metrics, tags, stored size) and, for reinforcement learning, from the newest valid checkpoint's state: a top-level <code>rewards</code> array as the reward per episode. A study's trials come from its journal, <code>study.journal</code>, which records every finished trial (a run with a study snapshot but no journal falls back to the snapshot's trials).</li>")
            .Append($"<li>Save durations: {Escape(RunPlots.SaveDurationDescription)} For checkpoints written before these were recorded, the time between saves is plotted instead.</li>")
            .Append("<li>Interruptions are checkpoints saved with status Interrupted; failures, status Failed; a resume is the first checkpoint of a new session (a higher <code>sessions</code> tag, writer generation or another writing process). Retention may have deleted the checkpoints around earlier ones. Hover a marker or a point for details.</li>")
            .Append($"<li>Series of up to {SvgPlotRenderer.MaxDots.ToString(CultureInfo.InvariantCulture)} points are drawn as dots, larger ones as a line; the counts in the legends are the points in the data.</li>")
            .Append("</ul></footer>\n");
    }

    private static void Fact(StringBuilder html, string name, string value) =>
        html.Append($"<div><dt>{Escape(name)}</dt><dd>{Escape(value)}</dd></div>");

    private static string Status(string? status) =>
        $"<span class=\"status s-{Escape((status ?? "none").ToLowerInvariant())}\">{Escape(status ?? "no valid checkpoint")}</span>";

    private static string Progress(RunHistory run) => run.Summary switch
    {
        { LatestStep: long step, TotalSteps: long total, ProgressPercent: double percent } => string.Create(CultureInfo.InvariantCulture, $"step {step}/{total} ({percent:0}%)"),
        { LatestStep: long step } => string.Create(CultureInfo.InvariantCulture, $"step {step}"),
        _ => "no valid checkpoint",
    };

    private static string Count(int count, string noun) => $"{count.ToString(CultureInfo.InvariantCulture)} {noun}{(count == 1 ? string.Empty : "s")}";

    private static string AnchorOf(int index) => "run-" + (index + 1).ToString(CultureInfo.InvariantCulture);
}

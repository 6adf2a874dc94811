using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Checkpointing.Cli.Output;
using Checkpointing.Cli.Reports;
using Checkpointing.Cli.Runs;
using Spectre.Console;

namespace Checkpointing.Cli.Commands;

/// <summary><c>ckpt inspect FILE | TYPE/NAME[@STEP]</c>: one checkpoint's metadata, sections and state, fully verified.</summary>
internal static class InspectCommand
{
    // Relaxed escaping: the state is shown to a person, so "+00:00" stays "+00:00" rather than "\u002B00:00".
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(CommonOptions common)
    {
        var target = new Argument<string>("checkpoint")
        {
            Description = "A .ckpt file in a run directory, or a run as TYPE/NAME (its newest valid checkpoint) or TYPE/NAME@STEP.",
        };
        var command = new Command("inspect", "One checkpoint: metadata, section table and the state as JSON (every checksum verified).") { target };
        command.SetAction(parsed => Run(parsed.GetRequiredValue(common.Root), parsed.GetRequiredValue(target), parsed.GetValue(common.Json)));
        return command;
    }

    private static int Run(string rootOption, string target, bool json)
    {
        var (root, run, checkpointId) = Resolve(rootOption, target);
        using var manager = root.Open(run);
        Checkpoint<JsonElement> checkpoint;
        JsonElement? state;
        try
        {
            checkpoint = checkpointId is not null ? manager.Load<JsonElement>(checkpointId)
                : run.Step is long step ? manager.Load<JsonElement>(step)
                : manager.LoadLatest<JsonElement>() ?? throw new UsageException($"{run} has no checkpoints. Type 'ckpt show {run}' to see its files.");
            state = checkpoint.State;
        }
        catch (CheckpointNotFoundException ex)
        {
            throw new UsageException(NotFoundMessage(manager, run, checkpointId, ex));
        }
        catch (CheckpointSerializationException)
        {
            // Verified, but written by another serializer: show everything but the state.
            var metadata = FindMetadata(manager, checkpointId, run.Step);
            return Write(run, metadata, null, json);
        }
        catch (CheckpointException ex)
        {
            CliConsole.Problem($"{run}: {ex.Message}");
            return CkptCommandLine.ProblemsFound;
        }

        return Write(run, checkpoint.Metadata, state, json);
    }

    /// <summary>The library's message names an API (List()); on the command line, name the steps there are instead.</summary>
    private static string NotFoundMessage(CheckpointManager manager, RunReference run, string? checkpointId, CheckpointNotFoundException ex)
    {
        var hint = $"Type 'ckpt show {run}' for its checkpoints.";
        if (checkpointId is not null || run.Step is not long step)
        {
            return $"{ex.Message} {hint}";
        }

        var steps = manager.List().Select(m => m.Step).Distinct().ToList();
        var have = steps.Count == 0 ? "it has no checkpoints"
            : steps.Count <= 12 ? $"its checkpoints are at step(s) {string.Join(", ", steps)}"
            : $"its {steps.Count} checkpoints are at steps {steps[0]} to {steps[^1]}";
        return string.Create(CultureInfo.InvariantCulture, $"{run} has no checkpoint at step {step}; {have}. {hint}");
    }

    private static CheckpointMetadata FindMetadata(CheckpointManager manager, string? checkpointId, long? step)
    {
        var all = manager.List();
        return checkpointId is not null ? all.Single(m => m.Id == checkpointId)
            : step is long s ? all.Last(m => m.Step == s)
            : manager.GetRecoveryInfo()!.Checkpoint;
    }

    private static int Write(RunReference run, CheckpointMetadata metadata, JsonElement? state, bool json)
    {
        var sections = new List<SectionRow> { new("state", "state", state is null ? "bytes" : "json", metadata.StateBytes, metadata.StateStoredBytes) };
        sections.AddRange(metadata.Sections.Select(s => new SectionRow(s.Name, "binary", s.ElementType, s.ByteLength, s.StoredBytes)));
        var row = CheckpointRow.From(metadata);
        if (json)
        {
            CliConsole.WriteJson(new InspectReport(metadata.FilePath, run.ProcessType, run.Name, row, sections, state), CliJsonContext.Default.InspectReport);
            return CkptCommandLine.Ok;
        }

        var console = CliConsole.Create();
        var facts = new Grid().AddColumn().AddColumn();
        void Fact(string name, string value) => facts.AddRow(Display.Cell(name, "bold"), Display.Cell(value));
        Fact("File", metadata.FilePath);
        Fact("Run", run.ToString());
        Fact("Step", row.TotalSteps is long total ? string.Create(CultureInfo.InvariantCulture, $"{row.Step}/{total} ({metadata.ProgressPercent:0.#}%)") : row.Step.ToString(CultureInfo.InvariantCulture));
        Fact("Time (UTC)", Display.Time(row.TimestampUtc));
        Fact("Status", row.Status);
        Fact("Size", $"{Display.Bytes(row.StoredBytes)} on disk, state {Display.Bytes(row.StateBytes)} ({row.Compression}, {row.CompressionRatio.ToString("0.00", CultureInfo.InvariantCulture)}x)");
        Fact("Metrics", row.Metrics.Count == 0 ? "-" : Display.Metrics(row.Metrics));
        Fact("Tags", row.Tags.Count == 0 ? "-" : string.Join(" ", row.Tags.Select(t => $"{t.Key}={t.Value}")));
        Fact("Writer", $"pid {row.WriterProcessId} on {row.WriterHost}, generation {row.WriterGeneration?.ToString(CultureInfo.InvariantCulture) ?? "-"}");
        Fact("Format", $"{row.FormatVersion}, checksum {row.Checksum}");
        if (row.JournalSequence is long sequence)
        {
            Fact("Journal", $"includes records up to {sequence}");
        }

        console.Write(facts);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("Section", "Kind", "Element type", "Bytes", "Stored");
        foreach (var s in sections)
        {
            table.AddRow(Display.Cell(s.Name), Display.Cell(s.Kind), Display.Cell(s.ElementType), Display.Cell(s.Bytes.ToString(CultureInfo.InvariantCulture)), Display.Cell(s.StoredBytes.ToString(CultureInfo.InvariantCulture)));
        }

        console.Write(table);
        console.WriteLine(state is JsonElement element
            ? JsonSerializer.Serialize(element, Indented)
            : "(the state was written by a serializer other than JSON; its checksums verified)");
        return CkptCommandLine.Ok;
    }

    /// <summary>A file path names its run by its two parent directories; anything else is TYPE/NAME[@STEP] under --root.</summary>
    private static (CheckpointRoot Root, RunReference Run, string? CheckpointId) Resolve(string rootOption, string target)
    {
        if (target.EndsWith(".ckpt", StringComparison.Ordinal) || File.Exists(target))
        {
            var file = new FileInfo(target);
            if (!file.Exists)
            {
                throw new UsageException($"No file '{target}'. Pass a .ckpt file in a run directory, or TYPE/NAME[@STEP] (see 'ckpt list').");
            }

            var runDirectory = file.Directory;
            var typeDirectory = runDirectory?.Parent;
            if (runDirectory is null || typeDirectory?.Parent is null || runDirectory.Name == "quarantine")
            {
                throw new UsageException($"'{target}' is not in a run directory (<root>/<type>/<name>/); copy it into one to inspect it.");
            }

            return (new CheckpointRoot(typeDirectory.Parent.FullName), new RunReference(typeDirectory.Name, runDirectory.Name, null), Path.GetFileNameWithoutExtension(file.Name));
        }

        return (new CheckpointRoot(rootOption), RunReference.Parse(target, allowStep: true), null);
    }
}

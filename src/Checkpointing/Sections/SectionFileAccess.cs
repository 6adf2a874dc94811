using Checkpointing.Format;
using Checkpointing.Storage;

namespace Checkpointing;

/// <summary>Reopens the checkpoint a section belongs to, and makes sure it is still the same file.</summary>
internal sealed class SectionFileAccess(Func<IReadableFile> open, string path, string checkpointId, string payloadChecksum)
{
    public string Path { get; } = path;

    public string CheckpointId { get; } = checkpointId;

    /// <summary>Opens the file and finds the section; the caller disposes the file.</summary>
    /// <exception cref="CheckpointNotFoundException">The checkpoint was deleted or replaced since it was listed.</exception>
    public (IReadableFile File, SectionEntry Section, int Index) Open(string sectionName)
    {
        IReadableFile file;
        try
        {
            file = open();
        }
        catch (CheckpointNotFoundException ex)
        {
            throw Gone(ex);
        }

        try
        {
            var manifest = CheckpointFileReader.ReadManifest(file, Path);
            if (manifest.PayloadChecksum != payloadChecksum)
            {
                throw Gone(null);
            }

            var index = manifest.Sections.FindIndex(s => s.Name == sectionName);
            if (index < 0)
            {
                throw CheckpointFileReader.Corrupt(Path, $"it has no '{sectionName}' section");
            }

            return (file, manifest.Sections[index], index);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private CheckpointNotFoundException Gone(Exception? inner) => new(
        $"Checkpoint '{CheckpointId}' was deleted or replaced after it was loaded (retention removes old checkpoints as new ones are saved). " +
        "Read its sections before saving newer checkpoints, or load it again.",
        inner);
}

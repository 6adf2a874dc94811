using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using System.Text.Json.Nodes;

namespace Checkpointing.Cli.Tests;

/// <summary>
/// Makes a checkpoint look written by an older Checkpointing: removes the manifest fields <c>writeMs</c>, <c>previousSave</c>
/// and <c>retention</c>, and writes the manifest checksum and trailer again (docs/FORMAT.md §6).
/// </summary>
internal static class LegacyManifest
{
    private const int TrailerSize = 48;

    public static void Strip(string path)
    {
        var file = File.ReadAllBytes(path);
        var trailer = file.AsSpan(file.Length - TrailerSize);
        var offset = (int)BinaryPrimitives.ReadInt64LittleEndian(trailer);
        var length = BinaryPrimitives.ReadInt32LittleEndian(trailer[8..]);
        var manifest = JsonNode.Parse(file.AsSpan(offset, length))!.AsObject();
        Assert.True(manifest.Remove("writeMs") | manifest.Remove("previousSave") | manifest.Remove("retention"), "nothing to strip");
        var bytes = Encoding.UTF8.GetBytes(manifest.ToJsonString());

        var result = new byte[offset + bytes.Length + TrailerSize];
        file.AsSpan(0, offset).CopyTo(result);
        bytes.CopyTo(result.AsSpan(offset));
        var newTrailer = result.AsSpan(offset + bytes.Length);
        trailer.CopyTo(newTrailer);
        BinaryPrimitives.WriteInt32LittleEndian(newTrailer[8..], bytes.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(newTrailer[16..], XxHash3.HashToUInt64(bytes));
        BinaryPrimitives.WriteUInt64LittleEndian(newTrailer[32..], XxHash3.HashToUInt64(newTrailer[..32]));
        File.WriteAllBytes(path, result);
    }
}

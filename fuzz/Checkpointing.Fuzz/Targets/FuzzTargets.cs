using Checkpointing.Format;
using Checkpointing.Journaling;
using Checkpointing.RecordLog;
using Checkpointing.Testing;

namespace Checkpointing.Fuzz;

/// <summary>
/// The fuzz targets, shared by the AFL program (fuzz/Checkpointing.Fuzz) and the regression tests that replay every
/// seed and every input that ever failed (tests/Checkpointing.Tests/Fuzzing). A target returns normally when the
/// reader accepted the input or rejected it with an exception its documentation names; anything else escapes: an
/// undocumented exception, a broken invariant, or more allocation than <see cref="AllocationBound"/> allows.
/// </summary>
internal static class FuzzTargets
{
    public const string Checkpoint = "checkpoint";
    public const string Journal = "journal";

    public static IReadOnlyList<string> Names { get; } = [Checkpoint, Journal];

    /// <summary>
    /// Also count what other threads allocate (the parallel chunk decoder). Only the fuzz program turns it on: in a
    /// test run other tests allocate at the same time.
    /// </summary>
    public static bool MeasureAllThreads { get; set; }

    /// <summary>
    /// The most a target may allocate (new arrays plus buffers rented from the array pool, which a pool that already
    /// holds one of that size would otherwise hide) for an input of <paramref name="inputLength"/> bytes that produced
    /// <paramref name="producedBytes"/> verified bytes of content. 16 MiB covers the fixed costs (the 1 MiB segment
    /// window, the first pooled buffers, the up-to-4 MiB start of a section buffer, first-use statics); 64 bytes
    /// per input byte covers the parsed manifest (UTF-16 strings, dictionaries, lists are a small multiple of their
    /// JSON); 3 bytes per produced byte covers content that really decompressed (a growing buffer copies it about
    /// twice). A length field that makes the reader allocate before it is checked against the file (a chunk claiming
    /// 64 MiB in 20 bytes) breaks the bound.
    /// </summary>
    public static long AllocationBound(long inputLength, long producedBytes) => (16L << 20) + 64 * inputLength + 3 * producedBytes;

    /// <summary>Runs <paramref name="target"/> on the input, and for a checkpoint also on its checksum-repaired copy.</summary>
    public static void Run(string target, byte[] input)
    {
        switch (target)
        {
            case Checkpoint:
                Measured(input.Length, () => CheckpointOnce(input));
                if (ChecksumRepair.Repair(input) is { } repaired && !repaired.AsSpan().SequenceEqual(input))
                {
                    Measured(repaired.Length, () => CheckpointOnce(repaired));
                }

                break;
            case Journal:
                Measured(input.Length, () => JournalOnce(input));
                break;
            default:
                throw new ArgumentException($"Unknown fuzz target '{target}'; use one of: {string.Join(", ", Names)}.", nameof(target));
        }
    }

    /// <summary>
    /// Everything a load does with one .ckpt file: the manifest, the state section, every binary section's stored
    /// chunks; then what a caller can do after: the whole-payload check, and each binary section read as an array
    /// (parallel decoder) and as a stream.
    /// </summary>
    private static long CheckpointOnce(byte[] input)
    {
        const string path = "fuzz.ckpt";
        long produced = 0;
        try
        {
            var file = new MemoryReadableFile(input);
            var manifest = CheckpointFileReader.ReadManifest(file, path);
            _ = (ManifestExtras.Duration(manifest.WriteMs), ManifestExtras.PreviousSave(manifest.PreviousSave), ManifestExtras.Retention(manifest.Retention));
            produced += CheckpointFileReader.ReadSection(file, manifest, FormatConstants.StateSectionName, path).Length;
            for (var i = 0; i < manifest.Sections.Count; i++)
            {
                if (manifest.Sections[i].Kind == "binary")
                {
                    SectionChunkReader.VerifyStored(file, manifest.Sections[i], i, path);
                }
            }

            CheckpointFileReader.VerifyAll(file, manifest, path);
            var access = new SectionFileAccess(() => new MemoryReadableFile(input), path, manifest.CheckpointId, manifest.PayloadChecksum);
            foreach (var entry in manifest.Sections.Where(s => s.Kind == "binary"))
            {
                var section = new BinarySection(entry.Name, entry.ElementType ?? "bytes", entry.RawLength, entry.StoredLength, access);
                try
                {
                    produced += section.ReadArray<byte>().Length;
                }
                catch (CheckpointSerializationException)
                {
                    // Not readable as bytes (a typed section of an odd length): documented.
                }

                using var stream = section.OpenRead();
                var buffer = new byte[64 << 10];
                while (stream.Read(buffer) is var n && n > 0)
                {
                    produced += n;
                }
            }
        }
        catch (CheckpointCorruptException)
        {
        }
        catch (CheckpointVersionException)
        {
        }

        return produced;
    }

    /// <summary>
    /// What opening a journal does with one segment: the scan that finds the valid records and tells a torn tail
    /// from damage; then reading the valid records back, which must agree with the scan.
    /// </summary>
    private static long JournalOnce(byte[] input)
    {
        const string path = "segment_00000000000000000001.log";
        const long first = 1;
        SegmentScan scan;
        try
        {
            scan = SegmentFile.Scan(new FuzzFileSystem(path, input), path, first);
        }
        catch (CheckpointVersionException)
        {
            return 0;
        }

        if (scan.FileLength != input.Length || scan.ValidLength < 0 || scan.ValidLength > scan.FileLength || scan.NextSequence < first
            || (!scan.HeaderValid && (scan.ValidLength != 0 || scan.NextSequence != first))
            || (scan.HeaderValid && scan.ValidLength < SegmentFile.HeaderSize)
            || (scan.TailHasValidRecords && scan.ValidLength == scan.FileLength && scan.HeaderValid))
        {
            throw new FuzzInvariantException($"impossible scan result {scan} for a {input.Length}-byte segment");
        }

        if (!scan.HeaderValid)
        {
            return 0;
        }

        long produced = 0;
        var expected = first;
        using var cursor = new SegmentCursor(new MemoryReadableFile(input), path, first);
        while (cursor.MoveNext())
        {
            if (cursor.Sequence != expected++ || cursor.Payload.Length > AppendOnlyLog.MaxPayloadLength || cursor.Offset > scan.ValidLength)
            {
                throw new FuzzInvariantException($"record {cursor.Sequence} read back past what the scan validated");
            }

            produced += cursor.Payload.Length;
        }

        if (cursor.Offset != scan.ValidLength || cursor.NextSequence != scan.NextSequence)
        {
            throw new FuzzInvariantException($"reading stopped at offset {cursor.Offset} (next {cursor.NextSequence}) but the scan said {scan.ValidLength} (next {scan.NextSequence})");
        }

        return produced;
    }

    private static void Measured(long inputLength, Func<long> target)
    {
        PoolRentCounter.Start(MeasureAllThreads);
        var thread = GC.GetAllocatedBytesForCurrentThread();
        var total = MeasureAllThreads ? GC.GetTotalAllocatedBytes(precise: true) : 0;
        var produced = target();
        var allocated = MeasureAllThreads
            ? Math.Max(GC.GetTotalAllocatedBytes(precise: true) - total, GC.GetAllocatedBytesForCurrentThread() - thread)
            : GC.GetAllocatedBytesForCurrentThread() - thread;
        var rented = PoolRentCounter.Rented;
        var bound = AllocationBound(inputLength, produced);
        if (allocated + rented > bound)
        {
            throw new FuzzInvariantException(
                $"reading a {inputLength}-byte input allocated {allocated:N0} bytes and rented {rented:N0} from the array pool, over the bound of {bound:N0} ({produced:N0} bytes of content produced)");
        }
    }
}

using CsCheck;

namespace Checkpointing.Tests.Sections;

/// <summary>Any mix of sections — element types, lengths (often near chunk boundaries), names, compressions, save paths — reads back exactly.</summary>
public sealed class BinarySectionPropertyTests : IDisposable
{
    private const int Iterations = 40;

    private static readonly string[] Kinds = ["uint8", "float32", "float64", "int32", "int64", "float16", "bytes", "raw16"];

    private readonly SectionRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public void SaveThenRead_AnySections_ReturnsEveryByteWithItsTypeAndName()
    {
        var boundaryBytes = Gen.Select(Gen.Int[1, 3], Gen.Int[-17, 17]).Select((chunks, delta) => Math.Max(0, (chunks * SectionData.Chunk) + delta));
        var byteLength = Gen.Frequency((3, Gen.Int[0, 64]), (3, Gen.Int[0, 300_000]), (2, boundaryBytes));
        var section = Gen.Select(Gen.Int[0, Kinds.Length - 1], byteLength, Gen.Int, Gen.Char['!', '~'].Array[1, 12].Select(c => new string(c)));
        var gen = Gen.Select(Gen.Enum<CheckpointCompression>(), Gen.Int[0, 2], section.Array[1, 4]);
        var step = 0L;

        gen.Sample(
            (compression, path, specs) =>
            {
                step++;
                using var manager = _run.Open(o =>
                {
                    o.Compression = compression;
                    o.KeepLastN = 1;
                });
                var sections = new BinarySections();
                var expected = new List<(string Name, string Type, byte[] Bytes)>();
                for (var i = 0; i < specs.Length; i++)
                {
                    var (kind, length, seed, name) = specs[i];
                    expected.Add(Add(sections, $"{i}:{name}", Kinds[kind], length, seed));
                }

                var state = new SectionState(step, compression.ToString(), [path]);
                var saved = path switch
                {
                    0 => manager.Save(state, step, sections: sections),
                    1 => manager.SaveAsync(state, step, sections: sections).GetAwaiter().GetResult(),
                    _ => manager.SaveInBackgroundAsync(state, step, sections: sections).AsTask().GetAwaiter().GetResult().Completion.GetAwaiter().GetResult()!,
                };
                _run.Tick();
                var loaded = manager.LoadLatest<SectionState>()!;

                Assert.Equal(saved.Id, loaded.Metadata.Id);
                Assert.Equal(step, loaded.State.Epoch);
                Assert.Equal("1.2", loaded.Metadata.FormatVersion);
                Assert.Equal(expected.Select(e => e.Name), loaded.Sections.Select(s => s.Name));
                foreach (var (name, type, bytes) in expected)
                {
                    var read = loaded.Sections[name];
                    Assert.Equal(type, read.ElementType);
                    Assert.Equal(bytes.Length, read.ByteLength);
                    Assert.Equal(bytes, ReadNative(read));
                    Assert.Equal(bytes, read.ReadArray<byte>());
                }
            },
            iter: Iterations,
            threads: 1);
    }

    private static (string Name, string Type, byte[] Bytes) Add(BinarySections sections, string name, string kind, int byteLength, int seed)
    {
        switch (kind)
        {
            case "uint8":
                var b = SectionData.Bytes(byteLength, seed);
                sections.Add(name, b);
                return (name, kind, b);
            case "float32":
                var f = SectionData.Floats(byteLength / 4, seed);
                sections.Add(name, f);
                return (name, kind, SectionData.AsBytes<float>(f));
            case "float64":
                var d = SectionData.Doubles(byteLength / 8, seed);
                sections.Add(name, (ReadOnlyMemory<double>)d);
                return (name, kind, SectionData.AsBytes<double>(d));
            case "int32":
                var i = SectionData.Ints(byteLength / 4, seed);
                sections.Add(name, i);
                return (name, kind, SectionData.AsBytes<int>(i));
            case "int64":
                var l = SectionData.Longs(byteLength / 8, seed);
                sections.Add(name, l);
                return (name, kind, SectionData.AsBytes<long>(l));
            case "float16":
                var h = SectionData.Halves(byteLength / 2, seed);
                sections.Add(name, h);
                return (name, kind, SectionData.AsBytes<Half>(h));
            case "raw16":
                var p = SectionData.Ints((byteLength / 16) * 4, seed).Chunk(4).Select(c => new Particle(c[0], c[1], c[2], c[3])).ToArray();
                sections.Add(name, p);
                return (name, kind, SectionData.AsBytes<Particle>(p));
            default:
                var s = SectionData.Bytes(byteLength, seed);
                sections.Add(name, new TrickleStream(s, 1 + (seed & 0xFFFF)));
                return (name, kind, s);
        }
    }

    private static byte[] ReadNative(BinarySection section) => section.ElementType switch
    {
        "float32" => SectionData.AsBytes<float>(section.ReadArray<float>()),
        "float64" => SectionData.AsBytes<double>(section.ReadArray<double>()),
        "int32" => SectionData.AsBytes<int>(section.ReadArray<int>()),
        "int64" => SectionData.AsBytes<long>(section.ReadArray<long>()),
        "float16" => SectionData.AsBytes<Half>(section.ReadArray<Half>()),
        "raw16" => SectionData.AsBytes<Particle>(section.ReadArray<Particle>()),
        _ => ReadStream(section),
    };

    private static byte[] ReadStream(BinarySection section)
    {
        using var stream = section.OpenRead();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

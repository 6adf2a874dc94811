using System.Buffers;

namespace Checkpointing.Format;

/// <summary>A chunk ready to be written: its header, its stored bytes, and the pooled buffer holding them (if compressed).</summary>
internal readonly record struct EncodedChunk(byte[] Header, ReadOnlyMemory<byte> Stored, ArrayBufferWriter<byte>? Output);

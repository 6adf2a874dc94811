using System.Runtime.InteropServices;

namespace Checkpointing.Tests.Sections;

/// <summary>A 12-byte struct: its size does not divide the 1 MiB chunk, so chunks end on element boundaries short of 1 MiB.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct Triple(float A, float B, float C);

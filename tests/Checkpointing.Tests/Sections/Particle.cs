using System.Runtime.InteropServices;

namespace Checkpointing.Tests.Sections;

/// <summary>A user struct without padding (16 bytes), saved as <c>raw16</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly record struct Particle(float X, float Y, float Z, int Id);

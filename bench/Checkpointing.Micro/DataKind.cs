namespace Checkpointing.Micro;

/// <summary>What a chunk holds: incompressible-ish numbers or repetitive text.</summary>
public enum DataKind
{
    /// <summary>float64 Gaussian noise, like model weights (fixed seed).</summary>
    GaussianF64,

    /// <summary>Repetitive JSON-like text (trade records).</summary>
    JsonText,
}

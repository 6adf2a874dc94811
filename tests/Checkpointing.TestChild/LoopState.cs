using System.Security.Cryptography;

namespace Checkpointing.TestChild;

/// <summary>
/// The state the child saves: a step, a payload derived only from the step and its length, and the
/// payload's SHA-256, so a reader can tell a correct checkpoint from any mix-up or damage.
/// </summary>
public sealed record LoopState(long Step, byte[] Payload, string Sha256)
{
    /// <summary>The run the child processes write.</summary>
    public const string ProcessType = "crash";

    /// <summary>The run the child processes write.</summary>
    public const string RunName = "loop";

    /// <summary>Builds the state of <paramref name="step"/> with a payload of <paramref name="payloadBytes"/> bytes.</summary>
    public static LoopState Create(long step, int payloadBytes)
    {
        var payload = PayloadFor(step, payloadBytes);
        return new LoopState(step, payload, Convert.ToHexString(SHA256.HashData(payload)));
    }

    /// <summary>The payload of a step: pseudo-random (incompressible), so saves write the whole size.</summary>
    public static byte[] PayloadFor(long step, int payloadBytes)
    {
        var payload = new byte[payloadBytes];
        new Random(unchecked((int)step ^ (int)(step >> 32) ^ 0x5EED)).NextBytes(payload);
        return payload;
    }

    /// <summary>Returns null when the state is exactly what <see cref="Create"/> makes for <paramref name="expectedStep"/>, else what is wrong.</summary>
    public string? Problem(long expectedStep)
    {
        if (Step != expectedStep)
        {
            return $"state says step {Step} but the checkpoint is step {expectedStep}";
        }

        if (Payload is null || Sha256 is null)
        {
            return "payload or hash is missing";
        }

        if (Convert.ToHexString(SHA256.HashData(Payload)) != Sha256)
        {
            return "payload does not match its SHA-256";
        }

        return Payload.AsSpan().SequenceEqual(PayloadFor(Step, Payload.Length)) ? null : $"payload is not the one step {Step} writes";
    }
}

using System.Globalization;

namespace Checkpointing.Examples;

/// <summary>
/// The option loop every example shares: walks the arguments, hands each option to the example's
/// own switch, and turns a bad value into one error message instead of an exception.
/// </summary>
internal sealed class ArgumentReader
{
    private readonly string[] _args;
    private int _index = -1;

    private ArgumentReader(string[] args) => _args = args;

    /// <summary>The option being handled, e.g. <c>--seed</c>.</summary>
    public string Current => _args[_index];

    /// <summary>
    /// Folds every option into <paramref name="initial"/> with <paramref name="apply"/>; returns null and sets
    /// <paramref name="error"/> when an option is unknown, lacks its value or has a bad one.
    /// </summary>
    public static T? Parse<T>(string[] args, T initial, Func<T, ArgumentReader, T> apply, out string? error)
        where T : class
    {
        error = null;
        var reader = new ArgumentReader(args);
        var result = initial;
        while (++reader._index < args.Length)
        {
            try
            {
                result = apply(result, reader);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException)
            {
                error = ex is OverflowException ? $"The value of {reader.Current} is out of range." : ex.Message;
                return null;
            }
        }

        return result;
    }

    /// <summary>The option's value (the next argument).</summary>
    public string Value() =>
        _index + 1 < _args.Length ? _args[++_index] : throw new FormatException($"{Current} needs a value.");

    /// <summary>The option's value as a non-negative integer.</summary>
    public int Int() => int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The option's value as a non-negative 64-bit integer (seeds).</summary>
    public ulong ULong() => ulong.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The error for an option no example knows.</summary>
    public FormatException Unknown() => new($"Unknown option '{Current}'.");
}

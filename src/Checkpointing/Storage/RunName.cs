namespace Checkpointing.Storage;

/// <summary>Validates process types and run names as single, safe path segments.</summary>
internal static class RunName
{
    public const int MaxLength = 100;

    public const string Allowed = "1 to 100 letters, digits, '-', '_' or '.', not starting with '.'";

    public static void Validate(string? value, string parameterName)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"The {parameterName} must not be empty; use {Allowed}.", parameterName);
        }

        if (value.Length > MaxLength)
        {
            throw new ArgumentException($"The {parameterName} '{value[..20]}…' is {value.Length} characters long; use {Allowed}.", parameterName);
        }

        if (value[0] == '.')
        {
            throw new ArgumentException($"The {parameterName} '{Printable(value)}' starts with '.', which would make it hidden or a parent-directory reference; use {Allowed}.", parameterName);
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                var what = char.IsControl(c) ? $"control character U+{(int)c:X4}"
                    : c is '/' or '\\' ? $"path separator '{c}'"
                    : $"character '{c}'";
                throw new ArgumentException($"The {parameterName} '{Printable(value)}' contains the {what}; it must be a single directory name of {Allowed}.", parameterName);
            }
        }
    }

    private static string Printable(string value) => new(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}

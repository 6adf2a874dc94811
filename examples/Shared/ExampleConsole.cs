using System.Globalization;

namespace Checkpointing.Examples;

/// <summary>The console conventions of the example contract: the resume question and human-readable ages.</summary>
internal static class ExampleConsole
{
    /// <summary>
    /// Asks <paramref name="question"/> until the answer is yes or no. With <paramref name="yes"/> (the
    /// <c>--yes</c> option), or when stdin is not a terminal, answers yes without asking and says why.
    /// </summary>
    public static bool AskYesNo(string question, bool yes)
    {
        if (yes || Console.IsInputRedirected)
        {
            Console.WriteLine($"{question} (y/n): y ({(yes ? "--yes" : "stdin is not a terminal")})");
            return true;
        }

        while (true)
        {
            Console.Write($"{question} (y/n): ");
            switch (Console.ReadLine()?.Trim().ToLowerInvariant())
            {
                case null or "y" or "yes":
                    return true;
                case "n" or "no":
                    return false;
            }
        }
    }

    /// <summary>An age such as "42 s", "3 min 5 s", "2 h 10 min" or "3 d 4 h".</summary>
    public static string Ago(TimeSpan age) => age switch
    {
        { TotalSeconds: < 60 } => $"{(int)age.TotalSeconds} s",
        { TotalMinutes: < 60 } => $"{age.Minutes} min {age.Seconds} s",
        { TotalHours: < 24 } => $"{age.Hours} h {age.Minutes} min",
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)age.TotalDays} d {age.Hours} h"),
    };
}

using System.Globalization;
using System.Text;
using Hub.Contracts.Identity;

namespace Hub.Core.Identity;

/// <summary>
/// The forms in which two customers' values count as the same for the likely-duplicate suggestions, stored with the values
/// so that the customers sharing one are found by an index: a name or company with case, accents and spacing ignored,
/// and a phone number's last nine digits (a national number read in the wrong region, a dropped or doubled country code).
/// </summary>
public static class DuplicateKeys
{
    /// <summary>The fields whose values are compared: same name and same company make a suggestion.</summary>
    public static readonly IReadOnlyList<string> ComparedFields = ["name", "company"];

    /// <summary>Longer names compare by their first characters; the key stays small enough for any index.</summary>
    public const int MaxLength = 256;

    private const int PhoneDigitsCompared = 9;

    /// <summary>Letters that are written without their mark in plain ASCII but have no decomposition to drop it from.</summary>
    private static readonly Dictionary<char, string> LettersWithoutDecomposition = new()
    {
        ['ł'] = "l", ['ø'] = "o", ['đ'] = "d", ['ħ'] = "h", ['ı'] = "i", ['ß'] = "ss", ['æ'] = "ae", ['œ'] = "oe", ['þ'] = "th", ['ð'] = "d",
    };

    /// <summary>The key of a profile field's value, or null for a field that is not compared.</summary>
    public static string? OfField(string? name, string? value) =>
        name is not null && value is not null && ComparedFields.Contains(name) ? Text(value) : null;

    /// <summary>The key of an identifier: a phone number's last nine digits; null for other types and short numbers.</summary>
    public static string? OfIdentifier(string? type, string? value) =>
        type == IdentifierTypes.Phone && value is { Length: > PhoneDigitsCompared } ? value[^PhoneDigitsCompared..] : null;

    /// <summary>
    /// Lower case, accents dropped (also the marks of ł, ø, đ and the like, and ß, æ, œ, þ written out), runs of white space
    /// as one space, trimmed, at most <see cref="MaxLength"/> characters.
    /// </summary>
    public static string Text(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var key = Fold(text);
        if (key.Length <= MaxLength)
        {
            return key;
        }
        return char.IsHighSurrogate(key[MaxLength - 1]) ? key[..(MaxLength - 1)] : key[..MaxLength];
    }

    private static string Fold(string text)
    {
        string decomposed;
        try
        {
            decomposed = text.Trim().ToLowerInvariant().Normalize(NormalizationForm.FormD);
        }
        catch (ArgumentException)
        {
            return text.Trim().ToLowerInvariant(); // a lone surrogate: not Unicode text, so there is no normal form to reach
        }
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            if (LettersWithoutDecomposition.TryGetValue(c, out var plain))
            {
                builder.Append(plain);
                continue;
            }
            if (!char.IsWhiteSpace(c) || (builder.Length > 0 && builder[^1] != ' '))
            {
                builder.Append(char.IsWhiteSpace(c) ? ' ' : c);
            }
        }
        return builder.ToString().Trim();
    }
}

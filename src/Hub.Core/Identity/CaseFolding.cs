using System.Text;

namespace Hub.Core.Identity;

/// <summary>
/// The one comparison form of free text that e-mail local parts and searched names share: Unicode normalization form C
/// (one text may arrive composed, é, or decomposed, e + combining acute) and lower case by the invariant culture, for
/// every letter (Å is å), not only ASCII ones as SQLite's lower() does.
/// </summary>
public static class CaseFolding
{
    public static string Fold(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        try
        {
            return value.Normalize(NormalizationForm.FormC).ToLowerInvariant().Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            return value.ToLowerInvariant(); // a lone surrogate: not Unicode text, so there is no normal form to reach
        }
    }
}

using System.Globalization;

namespace Hub.Contracts.Identity;

/// <summary>The region national phone numbers are read in: an ISO 3166 two-letter code such as <c>US</c> or <c>ES</c>.</summary>
public static class PhoneRegion
{
    /// <summary>Without ICU (globalization-invariant mode) .NET knows no regions at all; then only the form is checked.</summary>
    private static readonly bool RegionsKnown = Names("US");

    /// <summary>
    /// Whether <paramref name="value"/> is two letters that name a region (<c>XX</c> does not, nor <c>ESP</c>): with a
    /// region nobody knows, every national number read in it is invalid, silently.
    /// </summary>
    public static bool IsValid(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length == 2 && value.All(char.IsAsciiLetter) && (!RegionsKnown || Names(value));
    }

    private static bool Names(string value)
    {
        try
        {
            return new RegionInfo(value).TwoLetterISORegionName.Equals(value, StringComparison.OrdinalIgnoreCase);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

using System.Text.Json;
using System.Text.RegularExpressions;

namespace Hub.Server.Hosting;

/// <summary>
/// Puts ASP.NET Core's binding failures in the client's words: <c>Failed to bind parameter "Nullable&lt;int&gt; limit" from
/// "abc".</c> names a C# type, and a body that does not fit names the hub's own class
/// (<c>could not be converted to Hub.Server.Api.Consent.ConsentStatement</c>). A client needs the parameter or JSON path
/// and what belongs there.
/// </summary>
internal static partial class BindingErrorWording
{
    private const string ObjectExpected = "a JSON object";

    public static string Describe(BadHttpRequestException exception)
    {
        if (BindFailure().Match(exception.Message) is { Success: true } bind)
        {
            return $"'{bind.Groups["name"].Value}' must be {Expected(bind.Groups["type"].Value)} (got '{bind.Groups["value"].Value}').";
        }
        if (ReadFailure().IsMatch(exception.Message) && exception.InnerException is JsonException json)
        {
            if (UnmappedMember().Match(json.Message) is { Success: true } unmapped)
            {
                return $"The body is not what this request takes: it has no property '{unmapped.Groups["name"].Value}' (check its spelling and case).";
            }
            return NotConvertible().Match(json.Message) is { Success: true } conversion
                ? "The body is not what this request takes: " + Describe(conversion, json.Path)
                : "The body is not valid JSON: " + json.Message;
        }
        return exception.InnerException is JsonException other ? $"{exception.Message} {other.Message}" : exception.Message;
    }

    private static string Describe(Match conversion, string? jsonPath)
    {
        var path = jsonPath ?? "$";
        var expected = Expected(conversion.Groups["type"].Value);
        // For a value inside an object, System.Text.Json may name the enclosing class rather than the property's type.
        return (path, expected) switch
        {
            ("$", _) => $"it must be {expected}.",
            (_, ObjectExpected) => $"the value at {path} has the wrong type.",
            _ => $"the value at {path} must be {expected}.",
        };
    }

    private static string Expected(string type)
    {
        var name = type.StartsWith("Nullable<", StringComparison.Ordinal) ? type["Nullable<".Length..^1] : type;
        name = name.EndsWith('?') ? name[..^1] : name;
        name = name[(name.LastIndexOf('.') + 1)..];
        return name switch
        {
            "int" or "long" or "short" or "Int32" or "Int64" or "Int16" => "a whole number",
            "double" or "decimal" or "float" or "Double" or "Decimal" or "Single" => "a number",
            "bool" or "Boolean" => "true or false",
            "Guid" => "an id such as 3f2b8c1e-8d3a-4c55-9a66-0b1d2e3f4a5b",
            "DateTimeOffset" or "DateTime" => "a date and time in ISO 8601, such as 2026-12-01T09:30:00Z",
            "string" or "String" => "a string",
            _ when name.EndsWith("[]", StringComparison.Ordinal) || name.Contains("List`", StringComparison.Ordinal) || name.StartsWith("List<", StringComparison.Ordinal) => "an array",
            _ => ObjectExpected,
        };
    }

    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^"]+) (?<name>[^" ]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex BindFailure();

    [GeneratedRegex("""^Failed to read parameter "[^"]+" from the request body as JSON\.$""")]
    private static partial Regex ReadFailure();

    [GeneratedRegex("""^The JSON property '(?<name>.*)' could not be mapped to any \.NET member""", RegexOptions.Singleline)]
    private static partial Regex UnmappedMember();

    [GeneratedRegex("""^The JSON value could not be converted to (?<type>\S+?)\. Path:""")]
    private static partial Regex NotConvertible();
}

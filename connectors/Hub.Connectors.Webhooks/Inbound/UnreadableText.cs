using System.Text.Json;

namespace Hub.Connectors.Webhooks.Inbound;

/// <summary>
/// JSON's grammar lets an escape stand for half a UTF-16 surrogate pair (<c>"\ud800"</c>), which is no text at
/// all: reading it as a string throws. Every string and member name of a body is checked once, before mapping, so
/// such a body is a 400 naming the field rather than a failure wherever the mappers happen to read it.
/// </summary>
internal static class UnreadableText
{
    /// <summary>The path of the first string or member name that is not text (<c>traits.name</c>, <c>batch[2].userId</c>), or null.</summary>
    public static string? FirstIn(JsonElement element, string path = "")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsText(element) ? null : Named(path);
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FirstIn(item, $"{path}[{index++}]") is { } found)
                    {
                        return found;
                    }
                }
                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!TryName(property, out var name))
                    {
                        return $"a member name in {Named(path)}";
                    }
                    if (FirstIn(property.Value, path.Length == 0 ? name : $"{path}.{name}") is { } found)
                    {
                        return found;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    private static string Named(string path) => path.Length == 0 ? "the body" : $"'{path}'";

    private static bool IsText(JsonElement element)
    {
        try
        {
            _ = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool TryName(JsonProperty property, out string name)
    {
        try
        {
            name = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = "";
            return false;
        }
    }
}

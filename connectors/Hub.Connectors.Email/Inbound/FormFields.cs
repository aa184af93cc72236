using System.Text;
using MimeKit;

namespace Hub.Connectors.Email.Inbound;

/// <summary>One field of a posted form: its raw bytes (a multipart part keeps the charset its sender used) and, for a file, its name and content type.</summary>
internal sealed record FormField(string Name, byte[] Value, string? FileName, string? ContentType = null)
{
    public string Text => Encoding.UTF8.GetString(Value);
}

/// <summary>
/// The fields of an <c>application/x-www-form-urlencoded</c> or <c>multipart/form-data</c> body, read from the raw
/// bytes: MimeKit parses the multipart framing, so parts without a charset keep their bytes for the caller to decode.
/// </summary>
internal sealed class FormFields(IReadOnlyList<FormField> fields)
{
    public IReadOnlyList<FormField> All => fields;

    public FormField? Field(string name) => fields.FirstOrDefault(f => f.Name == name);

    public string? Text(string name) => Field(name)?.Text;

    /// <summary>The fields, or null with the reason when the body is not a form.</summary>
    public static FormFields? Parse(string? contentType, ReadOnlyMemory<byte> body, out string? problem)
    {
        problem = null;
        if (contentType is null || !ContentType.TryParse(contentType, out var type))
        {
            problem = "The request has no form content type.";
            return null;
        }
        if (type.IsMimeType("application", "x-www-form-urlencoded"))
        {
            return new FormFields([.. UrlEncoded(Encoding.ASCII.GetString(body.Span))]);
        }
        if (type.IsMimeType("multipart", "form-data"))
        {
            if (string.IsNullOrEmpty(type.Boundary))
            {
                problem = "The multipart/form-data content type has no boundary parameter, so the parts cannot be told apart.";
                return null;
            }
            return Multipart(type, body, out problem);
        }
        problem = $"'{type.MimeType}' is not a form; send multipart/form-data or application/x-www-form-urlencoded.";
        return null;
    }

    private static FormFields? Multipart(ContentType type, ReadOnlyMemory<byte> body, out string? problem)
    {
        problem = null;
        using var stream = new MemoryStream(body.ToArray(), writable: false);
        if (MimeEntity.Load(type, stream) is not MimeKit.Multipart multipart)
        {
            problem = "The multipart body could not be read.";
            return null;
        }
        var fields = new List<FormField>();
        foreach (var part in multipart.OfType<MimePart>())
        {
            if (part.ContentDisposition?.Parameters["name"] is not { } name)
            {
                continue;
            }
            using var value = new MemoryStream();
            part.Content?.DecodeTo(value);
            fields.Add(new FormField(name, value.ToArray(), part.ContentDisposition.FileName, part.ContentType.MimeType));
        }
        if (fields.Count == 0)
        {
            problem = "The multipart body holds no form fields.";
            return null;
        }
        return new FormFields(fields);
    }

    private static IEnumerable<FormField> UrlEncoded(string body)
    {
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Unescape(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Unescape(pair[(equals + 1)..]);
            yield return new FormField(name, Encoding.UTF8.GetBytes(value), null);
        }
    }

    private static string Unescape(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}

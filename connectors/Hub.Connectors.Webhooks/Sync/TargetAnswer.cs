using System.Text;

namespace Hub.Connectors.Webhooks.Sync;

/// <summary>A target's final answer: its status and, for a refusal, the start of what it said, for the operator.</summary>
internal sealed record TargetAnswer(int Status, string Excerpt)
{
    /// <summary>Characters of the target's body kept in a refusal's reason.</summary>
    public const int ExcerptLength = 200;

    /// <summary><c>: "…"</c> with the excerpt, or nothing when the target said nothing.</summary>
    public string Quoted => Excerpt.Length == 0 ? "" : $": \"{Excerpt}\"";

    /// <summary>
    /// The first <see cref="ExcerptLength"/> characters of the body, read no further than needed, with control characters
    /// and runs of white space made one space: it ends up in logs and on the admin pages.
    /// </summary>
    public static async Task<string> ExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new byte[ExcerptLength * 4];
        var read = 0;
        await using (var stream = await response.Content.ReadAsStreamAsync(cancellationToken))
        {
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
            {
                read += n;
            }
        }
        var text = new StringBuilder(ExcerptLength + 1);
        foreach (var c in Encoding.UTF8.GetString(buffer, 0, read))
        {
            var plain = char.IsControl(c) || char.IsWhiteSpace(c) ? ' ' : c;
            if (plain == ' ' && (text.Length == 0 || text[^1] == ' '))
            {
                continue;
            }
            if (text.Length == ExcerptLength)
            {
                return text.ToString().TrimEnd() + "…";
            }
            text.Append(plain);
        }
        return text.ToString().TrimEnd();
    }
}

using System.Text;

namespace Hub.Contracts.Connectors;

/// <summary>The start of what a system answered with a refusal, made fit for the operator (logs, admin pages, statuses).</summary>
public static class AnswerExcerpt
{
    /// <summary>Characters of the answer's body kept.</summary>
    public const int Length = 200;

    /// <summary><c>: "…"</c> with the excerpt, or nothing when the system said nothing.</summary>
    public static string Quoted(string excerpt) => excerpt.Length == 0 ? "" : $": \"{excerpt}\"";

    /// <summary>
    /// The first <see cref="Length"/> characters of the body, read no further than needed, with control characters
    /// and runs of white space made one space.
    /// </summary>
    public static async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new byte[Length * 4];
        var read = 0;
        await using (var stream = await response.Content.ReadAsStreamAsync(cancellationToken))
        {
            int n;
            while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
            {
                read += n;
            }
        }
        var text = new StringBuilder(Length + 1);
        foreach (var c in Encoding.UTF8.GetString(buffer, 0, read))
        {
            var plain = char.IsControl(c) || char.IsWhiteSpace(c) ? ' ' : c;
            if (plain == ' ' && (text.Length == 0 || text[^1] == ' '))
            {
                continue;
            }
            if (text.Length == Length)
            {
                return text.ToString().TrimEnd() + "…";
            }
            text.Append(plain);
        }
        return text.ToString().TrimEnd();
    }
}

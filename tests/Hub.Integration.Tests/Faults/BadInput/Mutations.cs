using System.Text;

namespace Hub.Integration.Tests.Faults.BadInput;

/// <summary>
/// Ways to break a valid body so that no reading of it can be valid: each keeps the result certainly malformed
/// (a proper prefix of a JSON or XML document, invalid UTF-8, a broken quote or tag, a nesting deeper than any
/// reader allows), so a 2xx for one of them is a finding, never a lucky valid body.
/// </summary>
internal static class Mutations
{
    private static readonly byte[][] InvalidUtf8 =
    [
        [0xFF], [0xFE, 0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80],
    ];

    private static readonly string[] NotARecord = ["null", "42", "\"text\"", "true", "-0.5e999"];

    public static (string How, byte[] Body) BreakJson(Random random, byte[] sample) => random.Next(6) switch
    {
        0 => ("truncated", Truncate(random, sample)),
        1 => ("invalid UTF-8", InsertInvalidUtf8(random, sample)),
        2 => ("a quote broken", Replace(random, sample, (byte)'"', (byte)'x')),
        3 => ("trailing garbage", [.. sample, .. Encoding.UTF8.GetBytes(random.Next(2) == 0 ? "}" : " {\"again\":1}")]),
        4 => ("not an object", Encoding.UTF8.GetBytes(NotARecord[random.Next(NotARecord.Length)])),
        _ => ("nested too deep", Nested(random)),
    };

    /// <summary>
    /// Like <see cref="BreakJson"/>, for JSON carried as text in a form field: no invalid UTF-8 (a form decoder keeps
    /// it as text inside a string) and no deep nesting (a list of lists is still a list).
    /// </summary>
    public static (string How, byte[] Body) BreakJsonText(Random random, byte[] sample) => random.Next(4) switch
    {
        0 => ("truncated", Truncate(random, sample)),
        1 => ("a quote broken", Replace(random, sample, (byte)'"', (byte)'x')),
        2 => ("trailing garbage", [.. sample, .. Encoding.UTF8.GetBytes(random.Next(2) == 0 ? "]" : " [\"again\"]")]),
        _ => ("not a list", Encoding.UTF8.GetBytes(NotARecord[random.Next(NotARecord.Length)])),
    };

    public static (string How, byte[] Body) BreakXml(Random random, byte[] sample) => random.Next(4) switch
    {
        0 => ("truncated", Truncate(random, sample)),
        1 => ("invalid UTF-8", InsertInvalidUtf8(random, sample)),
        2 => ("an end tag broken", BreakEndTag(random, sample)),
        // An external entity: a reader that resolves it leaks files; the hub's must refuse the DTD.
        _ => ("external entity", Encoding.UTF8.GetBytes(
            "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" + Encoding.UTF8.GetString(sample).Split("?>", 2)[^1].Replace("<sf:Email>", "<sf:Email>&x;", StringComparison.Ordinal))),
    };

    /// <summary>A prefix of at most all but the last byte.</summary>
    public static byte[] Truncate(Random random, byte[] sample) => sample[..random.Next(sample.Length - 1)];

    public static byte[] InsertInvalidUtf8(Random random, byte[] sample)
    {
        var at = random.Next(sample.Length + 1);
        return [.. sample[..at], .. InvalidUtf8[random.Next(InvalidUtf8.Length)], .. sample[at..]];
    }

    /// <summary>Replaces one occurrence of <paramref name="what"/>, chosen at random.</summary>
    public static byte[] Replace(Random random, byte[] sample, byte what, byte with)
    {
        var positions = Enumerable.Range(0, sample.Length).Where(i => sample[i] == what).ToList();
        var copy = sample.ToArray();
        copy[positions[random.Next(positions.Count)]] = with;
        return copy;
    }

    /// <summary>Turns one end tag into text, leaving its element unclosed (a broken self-closing tag would just be text).</summary>
    public static byte[] BreakEndTag(Random random, byte[] sample)
    {
        var positions = Enumerable.Range(0, sample.Length - 1).Where(i => sample[i] == '<' && sample[i + 1] == '/').ToList();
        var copy = sample.ToArray();
        copy[positions[random.Next(positions.Count)]] = (byte)'x';
        return copy;
    }

    /// <summary>JSON nested deeper than the hub reads (its readers stop at 16 or 32 levels).</summary>
    public static byte[] Nested(Random random)
    {
        var depth = random.Next(33, 2_000);
        return Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth));
    }

    /// <summary>Random printable text, valid UTF-8, that is not valid JSON (it starts with a letter).</summary>
    public static string Garbage(Random random, int length) =>
        "z" + new string([.. Enumerable.Range(0, length).Select(_ => (char)random.Next(0x21, 0x7F))]);
}

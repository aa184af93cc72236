namespace Hub.Infrastructure.Configuration;

/// <summary>The name a written one is probably a typo of: the nearest by edit distance, when it is near enough.</summary>
public static class NearestName
{
    /// <summary>The candidate nearest to <paramref name="written"/> (case ignored), or null when none is near enough to be a typo of it.</summary>
    public static string? Among(string written, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(written);
        ArgumentNullException.ThrowIfNull(candidates);
        var nearest = candidates
            .Select(candidate => (Candidate: candidate, Distance: EditDistance(written.ToUpperInvariant(), candidate.ToUpperInvariant())))
            .OrderBy(c => c.Distance)
            .FirstOrDefault();
        return nearest.Candidate is not null && nearest.Distance <= Math.Max(2, written.Length / 8) ? nearest.Candidate : null;
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions that turn one into the other.</summary>
    private static int EditDistance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}

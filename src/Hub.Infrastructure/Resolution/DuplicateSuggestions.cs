using Hub.Core.Identity;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Resolution;

/// <summary>
/// Likely duplicates that no deterministic rule joins, for an admin to review: never merged automatically.
/// Same name and company (case, accents and spacing ignored), or phone numbers that share their last
/// nine digits (a national number read in the wrong region, a dropped or doubled country code). Both are compared by the
/// <see cref="DuplicateKeys"/> stored with the values, so the database finds the customers sharing one by an index.
/// A pair an admin dismissed (<see cref="DuplicateDismissals"/>) is not suggested.
/// </summary>
public sealed class DuplicateSuggestions(HubDbContext db)
{
    public const double SameNameAndCompanyScore = 0.9;

    public const double SimilarPhoneScore = 0.7;

    private const string NameField = "name";

    private const string CompanyField = "company";

    public Task<IReadOnlyList<DuplicateSuggestion>> FindAsync(int limit, CancellationToken cancellationToken) =>
        FindAsync(limit, null, cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> suggestions, highest score first (then by the two customer ids), the first of them
    /// the one after <paramref name="after"/>: a page of the whole list, computed afresh each time. Reads only the names
    /// and phone numbers that more than one customer shares (two grouping queries over the key indexes), and the
    /// dismissed pairs; its cost still grows with the number of customers.
    /// </summary>
    public async Task<IReadOnlyList<DuplicateSuggestion>> FindAsync(int limit, DuplicateSuggestion? after, CancellationToken cancellationToken)
    {
        var names = db.CustomerFields.AsNoTracking().Where(f => f.Name == NameField && f.DuplicateKey != null);
        var sharedNames = names.GroupBy(f => f.DuplicateKey).Where(g => g.Count() > 1).Select(g => g.Key);
        var nameCandidates = await NameCandidates(names.Where(f => sharedNames.Contains(f.DuplicateKey)))
            .Where(n => n.CompanyKey != null).ToListAsync(cancellationToken);
        var phones = db.CustomerIdentifiers.AsNoTracking().Where(i => i.DuplicateKey != null);
        var sharedPhones = phones.GroupBy(i => i.DuplicateKey).Where(g => g.Count() > 1).Select(g => g.Key);
        var phoneCandidates = await PhoneCandidates(phones.Where(i => sharedPhones.Contains(i.DuplicateKey))).ToListAsync(cancellationToken);
        var dismissed = await DismissedAsync(db.DuplicateDismissals, cancellationToken);

        var ordered = Pairs(nameCandidates, phoneCandidates).Where(s => !dismissed.Contains((s.CustomerId, s.OtherCustomerId))).Order(ListOrder.Instance).AsEnumerable();
        if (after is not null)
        {
            ordered = ordered.Where(s => ListOrder.Instance.Compare(s, after) > 0);
        }
        return [.. ordered.Take(limit)];
    }

    /// <summary>
    /// Every suggestion that names <paramref name="customerId"/>, in the list's order: looks up the customers sharing its
    /// name or one of its phone numbers by the key indexes, whatever the number of customers or of other suggestions.
    /// </summary>
    public async Task<IReadOnlyList<DuplicateSuggestion>> ForCustomerAsync(Guid customerId, CancellationToken cancellationToken)
    {
        var keys = await db.CustomerFields.AsNoTracking().Where(f => f.CustomerId == customerId && f.DuplicateKey != null)
            .Select(f => new { f.Name, f.DuplicateKey }).ToListAsync(cancellationToken);
        var nameKey = keys.FirstOrDefault(k => k.Name == NameField)?.DuplicateKey;
        var companyKey = keys.FirstOrDefault(k => k.Name == CompanyField)?.DuplicateKey;
        List<Candidate> nameCandidates = nameKey is null || companyKey is null ? [] : await NameCandidates(
                db.CustomerFields.AsNoTracking().Where(f => f.Name == NameField && f.DuplicateKey == nameKey))
            .Where(n => n.CompanyKey == companyKey).ToListAsync(cancellationToken);
        var phoneKeys = db.CustomerIdentifiers.Where(i => i.CustomerId == customerId && i.DuplicateKey != null).Select(i => i.DuplicateKey);
        var phoneCandidates = await PhoneCandidates(db.CustomerIdentifiers.AsNoTracking().Where(i => phoneKeys.Contains(i.DuplicateKey)))
            .ToListAsync(cancellationToken);
        var dismissed = await DismissedAsync(db.DuplicateDismissals.Where(d => d.CustomerId == customerId || d.OtherCustomerId == customerId), cancellationToken);
        return [.. Pairs(nameCandidates, phoneCandidates)
            .Where(s => (s.CustomerId == customerId || s.OtherCustomerId == customerId) && !dismissed.Contains((s.CustomerId, s.OtherCustomerId)))
            .Order(ListOrder.Instance)];
    }

    /// <summary>The given names of live customers with each one's company key (null when it has no company).</summary>
    private IQueryable<Candidate> NameCandidates(IQueryable<CustomerFieldRow> names) =>
        from name in names
        join customer in db.Customers on name.CustomerId equals customer.Id
        where customer.MergedIntoId == null
        from company in db.CustomerFields.Where(f => f.CustomerId == name.CustomerId && f.Name == CompanyField).DefaultIfEmpty()
        select new Candidate { CustomerId = name.CustomerId, Value = name.Value, Key = name.DuplicateKey!, CompanyKey = company == null ? null : company.DuplicateKey };

    private static IQueryable<Candidate> PhoneCandidates(IQueryable<CustomerIdentifierRow> phones) =>
        phones.Select(i => new Candidate { CustomerId = i.CustomerId, Value = i.Value, Key = i.DuplicateKey!, CompanyKey = null });

    private static async Task<HashSet<(Guid, Guid)>> DismissedAsync(IQueryable<DuplicateDismissalRow> dismissals, CancellationToken cancellationToken) =>
        [.. (await dismissals.AsNoTracking().Select(d => new { d.CustomerId, d.OtherCustomerId }).ToListAsync(cancellationToken))
            .Select(d => (d.CustomerId, d.OtherCustomerId))];

    /// <summary>
    /// Each pair of customers in one group, the smaller id first (the order dismissals are stored in), once: a pair that
    /// several rules (or several phone numbers) find has the best score and every reason.
    /// </summary>
    private static IEnumerable<DuplicateSuggestion> Pairs(List<Candidate> names, List<Candidate> phones) =>
        EveryMatch(names, phones)
            .GroupBy(s => (s.CustomerId, s.OtherCustomerId))
            .Select(pair => pair.OrderByDescending(s => s.Score).ThenBy(s => s.Reason, StringComparer.Ordinal).ToList())
            .Select(matches => matches[0] with { Reason = string.Join("; ", matches.Select(m => m.Reason).Distinct()) });

    private static IEnumerable<DuplicateSuggestion> EveryMatch(List<Candidate> names, List<Candidate> phones)
    {
        foreach (var group in names.GroupBy(n => (n.Key, n.CompanyKey)))
        {
            foreach (var (first, second) in PairsOf(group))
            {
                yield return new(first.CustomerId, second.CustomerId, SameNameAndCompanyScore, $"same name '{first.Value}' and company");
            }
        }
        foreach (var group in phones.GroupBy(p => p.Key))
        {
            foreach (var (first, second) in PairsOf(group))
            {
                yield return new(first.CustomerId, second.CustomerId, SimilarPhoneScore,
                    $"phone numbers {first.Value} and {second.Value} differ only before their last 9 digits");
            }
        }
    }

    private static IEnumerable<(Candidate First, Candidate Second)> PairsOf(IEnumerable<Candidate> group)
    {
        var members = group.OrderBy(c => c.CustomerId).ThenBy(c => c.Value, StringComparer.Ordinal).ToList();
        for (var i = 0; i < members.Count; i++)
        {
            for (var j = i + 1; j < members.Count; j++)
            {
                if (members[i].CustomerId != members[j].CustomerId)
                {
                    yield return (members[i], members[j]);
                }
            }
        }
    }

    private sealed class Candidate
    {
        public Guid CustomerId { get; init; }

        public required string Value { get; init; }

        public required string Key { get; init; }

        public string? CompanyKey { get; init; }
    }

    /// <summary>Highest score first, then by the two customer ids: the list's order, which its cursor follows.</summary>
    private sealed class ListOrder : IComparer<DuplicateSuggestion>
    {
        public static readonly ListOrder Instance = new();

        public int Compare(DuplicateSuggestion? x, DuplicateSuggestion? y)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(y);
            var byScore = y.Score.CompareTo(x.Score);
            if (byScore != 0)
            {
                return byScore;
            }
            var byCustomer = x.CustomerId.CompareTo(y.CustomerId);
            return byCustomer != 0 ? byCustomer : x.OtherCustomerId.CompareTo(y.OtherCustomerId);
        }
    }
}

/// <summary>Two customers that may be one person.</summary>
public sealed record DuplicateSuggestion(Guid CustomerId, Guid OtherCustomerId, double Score, string Reason);

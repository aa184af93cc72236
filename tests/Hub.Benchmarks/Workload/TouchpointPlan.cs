using System.Globalization;
using System.Text;
using Hub.Contracts.Touchpoints;

namespace Hub.Benchmarks.Workload;

/// <summary>
/// The workload, deterministic for a seed: a customer's first touchpoint is a CRM identify call with
/// e-mail and phone; later ones (the overlap share) are track calls that name the customer by e-mail
/// (web channel) or by phone (SMS channel), so resolution must find the existing customer. Each call
/// also sets <c>lastEvent</c>, so most touchpoints change the master record and cause a sync-back.
/// A <c>splitShare</c> of the customers first appear in two halves instead: a web call with the e-mail alone, then
/// (as the next call that reuses a customer) an SMS with the phone alone, which makes a second customer, then (the
/// reusing call after that) a CRM identify call with both, which merges the two. Merges happen only while customers
/// are still being introduced, so a workload with merges throughout needs more customers than calls.
/// A <c>contestedShare</c> of the calls that reuse a customer are CRM identify calls that carry that customer's CRM user
/// id with another customer's e-mail (a mistyped address, a shared family mailbox): the two customers cannot merge, as
/// each holds a different CRM id, so merge protection refuses, and every later touchpoint of either is resolved by
/// replaying their identity component. With a contested share, every CRM identify call carries the customer's user id.
/// </summary>
internal sealed class TouchpointPlan(int customers, double overlap, int payloadBytes, int seed, double splitShare = 0, double contestedShare = 0)
{
    // Profile facts are cut at 1000 characters each, so padding is spread over several traits.
    private const int PaddingChunk = 900;
    private const int UnpaddedBytes = 230;
    private static readonly string[] Events = ["Order Completed", "Ticket Opened", "Page Viewed", "Call Requested"];
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Random _random = new(seed);
    private readonly Queue<int> _splitting = [];
    private readonly Dictionary<int, SplitStage> _splitStage = [];
    private int _introduced;
    private int _sequence;

    private enum SplitStage
    {
        EmailOnly,
        PhoneAlsoAlone,
    }

    public int IntroducedCustomers => _introduced;

    public int Reused { get; private set; }

    /// <summary>Identify calls that join a split customer's two halves (each merges two customers).</summary>
    public int SplitsJoined { get; private set; }

    /// <summary>Identify calls with another customer's e-mail, each refused by merge protection.</summary>
    public int Contested { get; private set; }

    /// <summary>The next <paramref name="count"/> calls; message ids start with <paramref name="phase"/>.</summary>
    public IReadOnlyList<WebhookCall> Take(int count, string phase)
    {
        var calls = new List<WebhookCall>(count);
        for (var i = 0; i < count; i++)
        {
            calls.Add(Next(phase));
        }
        return calls;
    }

    public WebhookCall Next(string phase)
    {
        var n = _sequence++;
        var messageId = $"{phase}-{n}";
        var at = Epoch.AddMilliseconds(n).ToString("O", CultureInfo.InvariantCulture);
        var lastEvent = Events[_random.Next(Events.Length)];
        var reuse = _introduced > 0 && (_introduced >= customers || _random.NextDouble() < overlap);
        if (!reuse)
        {
            var customer = _introduced++;
            if (splitShare > 0 && _random.NextDouble() < splitShare)
            {
                _splitting.Enqueue(customer);
                _splitStage[customer] = SplitStage.EmailOnly;
                return TrackCall(customer, byPhone: false);
            }
            return IdentifyCall(customer);
        }

        Reused++;
        if (contestedShare > 0 && _introduced > 1 && _random.NextDouble() < contestedShare)
        {
            var owner = _random.Next(_introduced);
            var other = (owner + 1 + _random.Next(_introduced - 1)) % _introduced;
            Contested++;
            return IdentifyCall(owner, emailOf: other);
        }
        if (_splitting.TryPeek(out var split))
        {
            if (_splitStage[split] == SplitStage.EmailOnly)
            {
                _splitStage[split] = SplitStage.PhoneAlsoAlone;
                return TrackCall(split, byPhone: true);
            }
            _splitting.Dequeue();
            _splitStage.Remove(split);
            SplitsJoined++;
            return IdentifyCall(split);
        }
        return TrackCall(_random.Next(_introduced), byPhone: _random.Next(3) == 0);

        WebhookCall IdentifyCall(int customer, int? emailOf = null)
        {
            var userId = contestedShare > 0 ? $"\"userId\":\"{UserId(customer)}\"," : "";
            string Identify(string padding) =>
                $$"""{"type":"identify","messageId":"{{messageId}}",{{userId}}"traits":{"email":"{{Email(emailOf ?? customer)}}","phone":"{{Phone(customer)}}","name":"Customer {{customer}}","lastEvent":"{{lastEvent}}"{{padding}}},"timestamp":"{{at}}"}""";
            return Call(InboundInstances.Crm, messageId, Identify(Padding(customer)));
        }

        WebhookCall TrackCall(int known, bool byPhone)
        {
            var identity = byPhone ? $"\"phone\":\"{Phone(known)}\"" : $"\"email\":\"{Email(known)}\"";
            string Track(string padding) =>
                $$$"""{"type":"track","messageId":"{{{messageId}}}","event":"{{{lastEvent}}}","properties":{"sequence":{{{n}}}},"context":{"traits":{{{{identity}}},"lastEvent":"{{{lastEvent}}}"{{{padding}}}}},"timestamp":"{{{at}}}"}""";
            return Call(byPhone ? InboundInstances.Sms : InboundInstances.Web, messageId, Track(Padding(known)));
        }
    }

    private static WebhookCall Call(string instance, string messageId, string body) =>
        new(instance, messageId, body, TouchpointIds.From(instance, messageId));

    private static string UserId(int customer) => $"crm-{customer}";

    private static string Email(int customer) => $"customer{customer}@bench.example.com";

    // A US number for every customer: +1 415 2xx xxxx.
    private static string Phone(int customer) => $"+1415{2_000_000 + customer}";

    /// <summary>
    /// The same for every call about a customer, so padding alone never changes the master record;
    /// sized for an unpadded call of about <see cref="UnpaddedBytes"/>, so bodies come out near the target.
    /// </summary>
    private string Padding(int customer)
    {
        var missing = payloadBytes - UnpaddedBytes;
        var text = new StringBuilder();
        var filler = $"customer {customer} notes ";
        for (var chunk = 0; missing > 0; chunk++)
        {
            var overhead = $",\"notes{chunk}\":\"\"".Length;
            var length = Math.Max(1, Math.Min(PaddingChunk, missing - overhead));
            var value = string.Concat(Enumerable.Repeat(filler, (length / filler.Length) + 1))[..length];
            text.Append(CultureInfo.InvariantCulture, $",\"notes{chunk}\":\"{value}\"");
            missing -= overhead + length;
        }
        return text.ToString();
    }
}

using System.Globalization;

namespace Hub.Benchmarks;

/// <summary>What one run measures and how hard it pushes; every option has a default that fits a 2-core machine.</summary>
internal sealed record BenchmarkOptions
{
    public int Hubs { get; init; } = 1;

    public int Customers { get; init; } = 3_000;

    public int Touchpoints { get; init; } = 12_000;

    /// <summary>Webhooks sent (and waited for) before measuring, so the hub's JIT has tiered up.</summary>
    public int WarmUp { get; init; } = 2_000;

    /// <summary>Warm-up rounds at most; rounds stop early once the hubs' JIT settled (<see cref="Scenarios.HubRun"/>).</summary>
    public int WarmUpRounds { get; init; } = 20;

    /// <summary>Share of touchpoints that reuse an already known customer's e-mail or phone.</summary>
    public double Overlap { get; init; } = 0.75;

    /// <summary>Share of new customers who first appear as two customers (e-mail alone, phone alone) merged later.</summary>
    public double SplitShare { get; init; }

    /// <summary>Share of reusing calls that carry a customer's CRM id with another customer's e-mail (merge protection refuses).</summary>
    public double ContestedShare { get; init; }

    /// <summary>Target size of one webhook body; the traits are padded to reach it.</summary>
    public int PayloadBytes { get; init; } = 700;

    /// <summary>Webhook requests in flight at once, across all hubs.</summary>
    public int Concurrency { get; init; } = 32;

    /// <summary>Connections the PostgreSQL baseline writes on; by default one per hub (each hub resolves one batch at a time).</summary>
    public int? DatabaseConcurrency { get; init; }

    /// <summary>Size of one RabbitMQ baseline message (about a TouchpointReceived in MassTransit's envelope).</summary>
    public int MessageBytes { get; init; } = 1_500;

    public TimeSpan CeilingDuration { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan PacedDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the latency phase's load runs before it is measured. The phase follows the maximum phase, whose
    /// aftermath (the database vacuuming what it left, queues settling) slowed the first second or two of every
    /// traced run: that is the hub recovering from overload, not the hub at half its maximum.
    /// </summary>
    public TimeSpan PacedLeadIn { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long to keep counting sync-back deliveries after the timeline is complete.</summary>
    public TimeSpan SyncTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public bool Production { get; init; } = true;

    public bool Embedded { get; init; } = true;

    public int Seed { get; init; } = 42;

    public bool Quick { get; init; }

    public bool Help { get; init; }

    public string? JsonPath { get; init; }

    /// <summary>Where to write each latency phase's samples by time (CSV per mode), to see when the slow ones happened.</summary>
    public string? LatencyTracePath { get; init; }

    /// <summary>Extra <c>Hub:...</c> settings for every hub process of the run (the health mode switches a feature with it).</summary>
    public IReadOnlyDictionary<string, string> HubSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>The production mode's database on the run's PostgreSQL; runs sharing one server need one each.</summary>
    public string DatabaseName { get; init; } = "hub";

    public int EffectiveDatabaseConcurrency => DatabaseConcurrency ?? Hubs;

    public const string Usage = """
        Hub benchmark: raw RabbitMQ and PostgreSQL ceilings, then the hub end to end (production and embedded).

        dotnet run -c Release --project tests/Hub.Benchmarks -- [options]

          --hubs N              hub processes in production mode (default 1)
          --customers N         distinct customers in the workload (default 3000)
          --touchpoints N       webhooks in the maximum-throughput phase (default 12000)
          --warm-up N           webhooks per warm-up round (default 2000)
          --warm-up-rounds N    warm-up rounds at most (default 20); they stop once the hubs' JIT used
                                under 5 % of a core in the last round
          --overlap F           share of touchpoints reusing a known customer's e-mail or phone, 0..1 (default 0.75)
          --split-share F       share of new customers who first appear in two halves (e-mail alone, then phone
                                alone) that a later call with both merges, 0..1 (default 0: no merges)
          --contested-share F   share of reusing calls that carry a customer's CRM id with another customer's
                                e-mail, which merge protection refuses, 0..1 (default 0: no contests)
          --payload-bytes N     size of one webhook body, traits padded to reach it (default 700)
          --concurrency N       webhook requests in flight across all hubs (default 32)
          --db-concurrency N    connections of the PostgreSQL baseline (default: one per hub)
          --message-bytes N     RabbitMQ baseline message size (default 1500)
          --ceiling-seconds S   duration of each raw baseline (default 5)
          --paced-seconds S     duration of the half-maximum latency phase (default 10)
          --paced-lead-in S     the same load for S seconds before that phase is measured (default 3)
          --sync-timeout S      how long to keep counting sync-back deliveries (default 10)
          --no-production       skip the baselines and production mode
          --no-embedded         skip embedded mode
          --seed N              workload random seed (default 42)
          --quick               a smoke run of about 30-40 s (small counts, short phases)
          --json PATH           where to write the JSON (default artifacts/benchmarks/hub-benchmark-<timestamp>.json)
          --latency-trace PATH  also write the latency phase's samples by time, one CSV per mode
                                (PATH-production.csv, PATH-embedded.csv)
          --help                this text
        """;

    /// <summary>Reads the command line; null with <paramref name="error"/> set when it cannot be understood.</summary>
    public static BenchmarkOptions? Parse(string[] args, out string? error)
    {
        error = null;
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"Unexpected argument '{arg}'.";
                return null;
            }
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                values[arg[2..equals]] = arg[(equals + 1)..];
            }
            else if (IsFlag(arg[2..]))
            {
                values[arg[2..]] = null;
            }
            else if (i + 1 < args.Length)
            {
                values[arg[2..]] = args[++i];
            }
            else
            {
                error = $"'{arg}' needs a value.";
                return null;
            }
        }

        try
        {
            var options = values.ContainsKey("quick") ? QuickDefaults() : new BenchmarkOptions();
            foreach (var (name, value) in values)
            {
                options = Apply(options, name, value);
            }
            return Validate(options, out error) ? options : null;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return null;
        }
    }

    private static bool IsFlag(string name) => name is "quick" or "no-production" or "no-embedded" or "help";

    private static BenchmarkOptions QuickDefaults() => new()
    {
        Quick = true,
        Customers = 250,
        Touchpoints = 1_000,
        WarmUp = 200,
        WarmUpRounds = 1,
        CeilingDuration = TimeSpan.FromSeconds(1),
        PacedDuration = TimeSpan.FromSeconds(2),
        PacedLeadIn = TimeSpan.FromSeconds(0.5),
        SyncTimeout = TimeSpan.FromSeconds(2),
    };

    private static BenchmarkOptions Apply(BenchmarkOptions o, string name, string? value) => name switch
    {
        "hubs" => o with { Hubs = Int(name, value) },
        "customers" => o with { Customers = Int(name, value) },
        "touchpoints" => o with { Touchpoints = Int(name, value) },
        "warm-up" => o with { WarmUp = Int(name, value) },
        "warm-up-rounds" => o with { WarmUpRounds = Int(name, value) },
        "overlap" => o with { Overlap = Double(name, value) },
        "split-share" => o with { SplitShare = Double(name, value) },
        "contested-share" => o with { ContestedShare = Double(name, value) },
        "payload-bytes" => o with { PayloadBytes = Int(name, value) },
        "concurrency" => o with { Concurrency = Int(name, value) },
        "db-concurrency" => o with { DatabaseConcurrency = Int(name, value) },
        "message-bytes" => o with { MessageBytes = Int(name, value) },
        "ceiling-seconds" => o with { CeilingDuration = TimeSpan.FromSeconds(Double(name, value)) },
        "paced-seconds" => o with { PacedDuration = TimeSpan.FromSeconds(Double(name, value)) },
        "paced-lead-in" => o with { PacedLeadIn = TimeSpan.FromSeconds(Double(name, value)) },
        "sync-timeout" => o with { SyncTimeout = TimeSpan.FromSeconds(Double(name, value)) },
        "no-production" => o with { Production = false },
        "no-embedded" => o with { Embedded = false },
        "seed" => o with { Seed = Int(name, value) },
        "json" => o with { JsonPath = value },
        "latency-trace" => o with { LatencyTracePath = value },
        "help" => o with { Help = true },
        "quick" => o,
        _ => throw new FormatException($"Unknown option '--{name}'. See --help."),
    };

    private static bool Validate(BenchmarkOptions o, out string? error)
    {
        error = o switch
        {
            { Hubs: < 1 } => "--hubs must be at least 1.",
            { Customers: < 1 } => "--customers must be at least 1.",
            { Touchpoints: < 1 } => "--touchpoints must be at least 1.",
            { WarmUp: < 1 } => "--warm-up must be at least 1.",
            { WarmUpRounds: < 1 } => "--warm-up-rounds must be at least 1.",
            { Overlap: < 0 or > 1 } => "--overlap must be between 0 and 1.",
            { SplitShare: < 0 or > 1 } => "--split-share must be between 0 and 1.",
            { ContestedShare: < 0 or > 1 } => "--contested-share must be between 0 and 1.",
            { Concurrency: < 1 } => "--concurrency must be at least 1.",
            { DatabaseConcurrency: < 1 } => "--db-concurrency must be at least 1.",
            { PayloadBytes: < 0 or > 200_000 } => "--payload-bytes must be between 0 and 200000.",
            { MessageBytes: < 1 } => "--message-bytes must be at least 1.",
            _ when o.CeilingDuration <= TimeSpan.Zero || o.PacedDuration <= TimeSpan.Zero => "Durations must be positive.",
            _ when o.PacedLeadIn < TimeSpan.Zero => "--paced-lead-in must not be negative.",
            _ => null,
        };
        return error is null;
    }

    private static int Int(string name, string? value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"--{name} needs a whole number (got '{value}').");

    private static double Double(string name, string? value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"--{name} needs a number (got '{value}').");
}

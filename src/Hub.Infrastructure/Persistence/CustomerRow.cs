using Hub.Core.Identity;

namespace Hub.Infrastructure.Persistence;

/// <summary>The master record's head: one row per hub customer.</summary>
public sealed class CustomerRow
{
    public Guid Id { get; set; }

    /// <summary>Grows by one with every change of the master record.</summary>
    public long Version { get; set; }

    /// <summary>Changes with every write that touches the customer: the optimistic-concurrency token.</summary>
    public Guid Stamp { get; set; }

    /// <summary>Set when the customer was merged into another; its id then resolves to that one.</summary>
    public Guid? MergedIntoId { get; set; }

    /// <summary>A merge around it was refused once: changes replay its identity component in canonical order.</summary>
    public bool Tainted { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<CustomerIdentifierRow> Identifiers { get; } = [];

    public List<CustomerFieldRow> Fields { get; } = [];

    /// <summary>
    /// What each source said for each field (<see cref="Observations"/>) as JSON, read and written with the row. As rows of
    /// their own, loading and tracking them cost a resolution batch more than everything else it read.
    /// </summary>
    public string ObservationsJson { get; set; } = "[]";

    /// <summary>The observations behind <see cref="Fields"/>, read from <see cref="ObservationsJson"/> when first used.</summary>
    public List<StoredObservation> Observations => _observations ??= StoredObservations.Parse(ObservationsJson);

    private List<StoredObservation>? _observations;

    /// <summary>Writes <see cref="Observations"/> back to <see cref="ObservationsJson"/>, if they were read; the context calls it before saving.</summary>
    internal void StoreObservations()
    {
        if (_observations is not null)
        {
            ObservationsJson = StoredObservations.Write(_observations);
        }
    }
}

/// <summary>One normalized identifier; (Type, Value) is the primary key, so no identifier belongs to two customers.</summary>
public sealed class CustomerIdentifierRow
{
    public required string Type
    {
        get => _type;
        set
        {
            _type = value;
            DuplicateKey = DuplicateKeys.OfIdentifier(_type, _value);
        }
    }

    public required string Value
    {
        get => _value;
        set
        {
            _value = value;
            DuplicateKey = DuplicateKeys.OfIdentifier(_type, _value);
        }
    }

    private string _type = "";
    private string _value = "";

    /// <summary>
    /// A phone number's last nine digits (<see cref="DuplicateKeys.OfIdentifier"/>), kept with it, so the customers whose
    /// numbers share them are found by an index; null for every other identifier.
    /// </summary>
    public string? DuplicateKey { get; private set; }

    public Guid CustomerId { get; set; }

    /// <summary>The touchpoint that linked the identifier to the customer.</summary>
    public Guid? LinkedByTouchpointId { get; set; }

    public DateTimeOffset LinkedAt { get; set; }

    /// <summary>
    /// Set when the identifier names a record a sync target created for that customer (a Contact the hub's upsert
    /// created): the hub's own making, which merge protection does not count. Null for identifiers from sources.
    /// </summary>
    public Guid? CreatedForCustomerId { get; set; }
}

/// <summary>One field of the master record with its provenance.</summary>
public sealed class CustomerFieldRow
{
    public Guid CustomerId { get; set; }

    public required string Name
    {
        get => _name;
        set
        {
            _name = value;
            DuplicateKey = DuplicateKeys.OfField(_name, _value);
        }
    }

    public required string Value
    {
        get => _value;
        set
        {
            _value = value;
            SearchKey = CaseFolding.Fold(value);
            DuplicateKey = DuplicateKeys.OfField(_name, _value);
        }
    }

    private string _name = "";
    private string _value = "";

    /// <summary>
    /// The name's or company's value as the likely-duplicate suggestions compare it (<see cref="DuplicateKeys.Text"/>:
    /// case, accents and spacing ignored), kept with it for an index; null for other fields. Not <see cref="SearchKey"/>,
    /// which keeps accents and spacing as typed.
    /// </summary>
    public string? DuplicateKey { get; private set; }

    /// <summary>
    /// <see cref="Value"/> in <see cref="CaseFolding"/>'s form, kept with it, which the admin search matches: neither
    /// SQLite's lower() (ASCII only) nor PostgreSQL's (which depends on the database's locale) folds like .NET does.
    /// </summary>
    public string SearchKey { get; private set; } = "";

    public required string Source { get; set; }

    public DateTimeOffset ObservedAt { get; set; }
}

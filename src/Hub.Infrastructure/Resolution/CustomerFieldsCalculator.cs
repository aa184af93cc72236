using Hub.Core.MasterRecord;
using Hub.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Hub.Infrastructure.Resolution;

/// <summary>Keeps a customer's observations and surviving field values in step, and records what changed.</summary>
internal sealed class CustomerFieldsCalculator(HubDbContext db, SurvivorshipRules rules, ResolutionChanges changes)
{
    public void Observe(CustomerRow customer, string field, string value, string source, int count, DateTimeOffset observedAt, Guid? touchpointId, bool record = true)
    {
        value = Stored(value);
        var observation = customer.Observations.Find(o => o.Field == field && o.Source == source && o.Value == value);
        if (observation is null)
        {
            observation = new StoredObservation { Field = field, Source = source, Value = value, LastObservedAt = observedAt };
            customer.Observations.Add(observation);
        }
        observation.Count += count;
        if (observedAt > observation.LastObservedAt)
        {
            observation.LastObservedAt = observedAt;
        }
        Recompute(customer, field, source, touchpointId, record);
    }

    /// <summary>
    /// The value as stored: at most <see cref="HubDbContext.FieldValueMaxLength"/> UTF-16 code units, never ending in half
    /// of a surrogate pair (an emoji cut in two would be stored as U+FFFD).
    /// </summary>
    public static string Stored(string value)
    {
        if (value.Length <= HubDbContext.FieldValueMaxLength)
        {
            return value;
        }
        var length = HubDbContext.FieldValueMaxLength;
        if (char.IsHighSurrogate(value[length - 1]))
        {
            length--;
        }
        return value[..length];
    }

    public void Recompute(CustomerRow customer, string field, string? source, Guid? touchpointId, bool record = true)
    {
        var winner = rules.Choose(customer.Observations.Where(o => o.Field == field)
            .Select(o => new FieldObservation(o.Field, o.Value, o.Source, o.Count, o.LastObservedAt)));
        var current = customer.Fields.Find(f => f.Name == field);
        if (current is null)
        {
            customer.Fields.Add(new CustomerFieldRow { CustomerId = customer.Id, Name = field, Value = winner.Value, Source = winner.Source, ObservedAt = winner.LastObservedAt });
            if (record)
            {
                changes.Touch(customer.Id, field, source, touchpointId);
            }
            return;
        }
        if (record && current.Value != winner.Value)
        {
            changes.Touch(customer.Id, field, source, touchpointId);
        }
        current.Value = winner.Value;
        current.Source = winner.Source;
        current.ObservedAt = winner.LastObservedAt;
    }

    /// <summary>Folds one customer's observations into another's (a merge) and recomputes every field.</summary>
    public void Absorb(CustomerRow survivor, CustomerRow merged, Guid? touchpointId)
    {
        foreach (var observation in merged.Observations.ToList())
        {
            Observe(survivor, observation.Field, observation.Value, observation.Source, observation.Count, observation.LastObservedAt, touchpointId);
        }
        Reset(merged);
    }

    /// <summary>Forgets every observation and field of a customer (they are about to be derived again, or moved).</summary>
    public void Reset(CustomerRow customer)
    {
        customer.Observations.Clear();
        var fields = customer.Fields.ToList();
        customer.Fields.Clear();
        foreach (var field in fields)
        {
            // A row added in this transaction is simply forgotten; Remove would attach it as if it were stored.
            if (db.Entry(field).State is not (EntityState.Detached or EntityState.Deleted))
            {
                db.Remove(field);
            }
        }
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hub.Infrastructure.Persistence;

/// <summary>How often, and when last, a source said a customer's field has a value; kept inside the customer's row.</summary>
public sealed class StoredObservation
{
    public required string Field { get; set; }

    public required string Source { get; set; }

    public required string Value { get; set; }

    public int Count { get; set; }

    public DateTimeOffset LastObservedAt { get; set; }
}

/// <summary>
/// The JSON form of a customer's observations in <c>customers.Observations</c>: an array of
/// <c>{"field","source","value","count","lastObservedAt"}</c>, times in UTC ISO 8601.
/// </summary>
internal static class StoredObservations
{
    public static List<StoredObservation> Parse(string json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize(json, StoredObservationsJson.Default.ListStoredObservation) ?? [];

    public static string Write(List<StoredObservation> observations)
    {
        foreach (var observation in observations.Where(o => o.LastObservedAt.Offset != TimeSpan.Zero))
        {
            observation.LastObservedAt = observation.LastObservedAt.ToUniversalTime();
        }
        return JsonSerializer.Serialize(observations, StoredObservationsJson.Default.ListStoredObservation);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<StoredObservation>))]
internal sealed partial class StoredObservationsJson : JsonSerializerContext;

using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Hub.Infrastructure.Persistence;

/// <summary>SQLite cannot order or compare DateTimeOffset, so its stores keep instants as UTC ticks.</summary>
internal sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.UtcTicks,
    v => new DateTimeOffset(v, TimeSpan.Zero));

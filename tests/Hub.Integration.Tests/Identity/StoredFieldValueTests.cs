using Hub.Infrastructure.Persistence;
using Hub.Infrastructure.Resolution;

namespace Hub.Integration.Tests.Identity;

/// <summary>A profile value longer than the hub stores is cut to the limit, never in the middle of a character.</summary>
public sealed class StoredFieldValueTests
{
    [Fact]
    public void A_value_within_the_limit_is_kept_whole()
    {
        var value = new string('a', HubDbContext.FieldValueMaxLength);

        Assert.Same(value, CustomerFieldsCalculator.Stored(value));
    }

    [Fact]
    public void A_longer_value_is_cut_to_the_limit()
    {
        Assert.Equal(new string('a', HubDbContext.FieldValueMaxLength), CustomerFieldsCalculator.Stored(new string('a', 5_000)));
    }

    [Fact]
    public void An_emoji_across_the_limit_is_left_out_rather_than_cut_in_two()
    {
        var value = "a" + string.Concat(Enumerable.Repeat("🦄", 600));

        var stored = CustomerFieldsCalculator.Stored(value);

        Assert.Equal(HubDbContext.FieldValueMaxLength - 1, stored.Length);
        Assert.False(char.IsHighSurrogate(stored[^1]));
        Assert.EndsWith("🦄", stored, StringComparison.Ordinal);
    }
}

using Hub.Contracts.Identity;
using Hub.Core.Identity;

namespace Hub.Core.Tests.Identity;

public sealed class EmailNormalizationTests
{
    private static string? Normalize(IdentifierNormalizer normalizer, string email) =>
        normalizer.Normalize(CustomerIdentifier.Email(email)).Identifier?.Value;

    [Fact]
    public void Dots_and_plus_tags_are_kept_unless_configured()
    {
        var plain = new IdentifierNormalizer("US");
        Assert.Equal("jane.doe+news@gmail.com", Normalize(plain, "Jane.Doe+News@Gmail.com"));
    }

    [Fact]
    public void Dots_are_dropped_only_for_the_configured_domains()
    {
        var normalizer = new IdentifierNormalizer("US", new EmailNormalization { IgnoreDotsForDomains = { "gmail.com" } });
        Assert.Equal("janedoe@gmail.com", Normalize(normalizer, "Jane.Doe@GMAIL.com"));
        Assert.Equal("jane.doe@example.org", Normalize(normalizer, "jane.doe@example.org"));
    }

    [Fact]
    public void Plus_tags_are_dropped_for_the_configured_domains_or_everywhere_with_a_star()
    {
        var gmail = new IdentifierNormalizer("US", new EmailNormalization { IgnorePlusTagsForDomains = { "gmail.com" } });
        Assert.Equal("jane@gmail.com", Normalize(gmail, "jane+shop@gmail.com"));
        Assert.Equal("jane+shop@example.org", Normalize(gmail, "jane+shop@example.org"));
        var everywhere = new IdentifierNormalizer("US", new EmailNormalization { IgnorePlusTagsForDomains = { "*" } });
        Assert.Equal("jane@example.org", Normalize(everywhere, "jane+shop@example.org"));
        Assert.Equal("+tag@example.org", Normalize(everywhere, "+tag@example.org"));
    }
}

using System.Text;
using Hub.Core.Identity;
using Hub.Infrastructure.Configuration;
using Hub.Infrastructure.Resolution;
using Microsoft.Extensions.Configuration;

namespace Hub.Integration.Tests.Identity;

/// <summary>
/// <c>Hub:Identity:MaxPerType</c> for a CRM record type such as <c>salesforce:contact</c>: its <c>:</c> nests the
/// configuration key, which stopped the start ("MaxPerType:salesforce must be a whole number ... (got '')").
/// </summary>
public sealed class IdentityConfigurationTests
{
    [Fact]
    public void A_record_type_limit_from_json_is_read_as_the_whole_type()
    {
        using var json = new MemoryStream(Encoding.UTF8.GetBytes("""{ "Hub": { "Identity": { "MaxPerType": { "salesforce:contact": 2, "email": 3 } } } }"""));
        var configuration = new ConfigurationBuilder().AddJsonStream(json).Build();

        var rules = IdentityConfiguration.Rules(configuration, new IdentifierNormalizer("US"));

        Assert.Equal(2, rules.MaxPerType["salesforce:contact"]);
        Assert.Equal(3, rules.MaxPerType["email"]);
    }

    [Fact]
    public void A_record_type_limit_from_the_environment_is_read_as_the_whole_type()
    {
        // Hub__Identity__MaxPerType__Salesforce__Contact=4
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Hub:Identity:MaxPerType:Salesforce:Contact"] = "4" })
            .Build();

        Assert.Equal(4, IdentityConfiguration.Rules(configuration, new IdentifierNormalizer("US")).MaxPerType["salesforce:contact"]);
    }

    [Fact]
    public void A_record_type_limit_that_is_not_a_number_names_the_whole_type()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Hub:Identity:MaxPerType:salesforce:contact"] = "one" })
            .Build();

        var error = Assert.Throws<HubConfigurationException>(() => IdentityConfiguration.Rules(configuration, new IdentifierNormalizer("US")));

        Assert.Equal("Hub:Identity:MaxPerType:salesforce:contact must be a whole number of at least 1 (got 'one').", error.Message);
    }
}

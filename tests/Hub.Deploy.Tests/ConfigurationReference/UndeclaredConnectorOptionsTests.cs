using Hub.Contracts.Connectors;
using Hub.Infrastructure.Configuration;
using Hub.Infrastructure.Connectors;
using Microsoft.Extensions.Configuration;

namespace Hub.Deploy.Tests.ConfigurationReference;

/// <summary>
/// A configured connector instance's keys that its connector does not declare (StartupReport warns about them, and a
/// refused instance's message names them): a typo such as <c>Secrett</c> was ignored in silence.
/// </summary>
public sealed class UndeclaredConnectorOptionsTests
{
    private static readonly ConnectorDescriptor Webhooks = new("webhooks", "Webhooks", "Signed webhooks.",
    [
        new("Secret", "Secret", ConnectorOptionType.Secret, Required: true, "The signing secret."),
        new("TargetUrl", "Target URL", ConnectorOptionType.Url, Required: false, "Where changes are sent."),
    ]);

    [Fact]
    public void A_misspelt_option_is_reported_with_the_declared_option_it_is_near()
    {
        var undeclared = UndeclaredConnectorOptions.In(Instance(new() { ["Kind"] = "webhooks", ["Secrett"] = "whsec_x", ["targeturl"] = "https://example.com/" }), Webhooks);

        Assert.Equal([new KnownConfigurationKeys.UnknownKey("Hub:Connectors:crm1:Secrett", "Hub:Connectors:crm1:Secret")], undeclared);
    }

    [Fact]
    public void An_option_near_nothing_declared_is_reported_without_a_suggestion()
    {
        var undeclared = UndeclaredConnectorOptions.In(Instance(new() { ["Kind"] = "webhooks", ["Secret"] = "whsec_x", ["PollIntervalSeconds"] = "30" }), Webhooks);

        Assert.Equal([new KnownConfigurationKeys.UnknownKey("Hub:Connectors:crm1:PollIntervalSeconds", null)], undeclared);
    }

    [Fact]
    public void The_declared_options_kind_and_default_region_are_not_reported_whatever_their_case()
    {
        // The hub reads DefaultRegion for every instance (ingress, polling), declared by its connector or not.
        Assert.Empty(UndeclaredConnectorOptions.In(Instance(new() { ["kind"] = "webhooks", ["SECRET"] = "whsec_x", ["TargetUrl"] = "https://example.com/", ["DefaultRegion"] = "ES" }), Webhooks));
    }

    [Fact]
    public void The_hints_for_a_refused_instance_name_the_key_and_the_option_it_is_near()
    {
        Assert.Equal(
            ["Hub:Connectors:crm1:Secrett is not one of its options; did you mean Hub:Connectors:crm1:Secret?", "Hub:Connectors:crm1:Cache is not one of its options."],
            UndeclaredConnectorOptions.AsHints([new("Hub:Connectors:crm1:Secrett", "Hub:Connectors:crm1:Secret"), new("Hub:Connectors:crm1:Cache", null)]));
    }

    private static IConfigurationSection Instance(Dictionary<string, string?> options) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(options.Select(o => KeyValuePair.Create("Hub:Connectors:crm1:" + o.Key, o.Value)))
            .Build()
            .GetSection("Hub:Connectors:crm1");
}

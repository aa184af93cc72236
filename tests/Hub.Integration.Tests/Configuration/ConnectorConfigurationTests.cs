using Hub.Testing.Servers;

namespace Hub.Integration.Tests.Configuration;

/// <summary>A misconfigured connector instance stops the start with a message an operator can act on.</summary>
public sealed class ConnectorConfigurationTests
{
    [Theory]
    [InlineData("Kind", "nosuchkind", "Hub:Connectors:crm1:Kind must be one of webhooks")]
    [InlineData("Secret", "not base64!", "Connector instance 'crm1' (webhooks): 'Secret' must be")]
    [InlineData("TargetUrl", "ftp://example.com/x", "'TargetUrl' must be an absolute http or https URL")]
    [InlineData("DefaultRegion", "XX", "Connector instance 'crm1' (webhooks): 'DefaultRegion' must be an ISO 3166 two-letter region such as US or ES (got 'XX').")]
    public async Task The_hub_refuses_to_start_and_names_the_instance_and_the_problem(string option, string value, string message)
    {
        var settings = new Dictionary<string, string>
        {
            ["Hub:Connectors:crm1:Kind"] = "webhooks",
            ["Hub:Connectors:crm1:Secret"] = SignedWebhookSender.ExampleSecret,
        };
        settings[$"Hub:Connectors:crm1:{option}"] = value;
        Assert.Contains(message, await StartFailureAsync(settings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_remote_instance_with_bad_addresses_token_and_secret_stops_the_start_naming_each()
    {
        var failure = await StartFailureAsync(new Dictionary<string, string>
        {
            ["Hub:Connectors:helpdesk:Kind"] = "remote",
            ["Hub:Connectors:helpdesk:Addresses"] = "http://10.0.0.1:8080 ftp://10.0.0.2/",
            ["Hub:Connectors:helpdesk:Token"] = "short",
            ["Hub:Connectors:helpdesk:SigningSecret"] = "not-a-whsec-secret",
        });
        Assert.Contains("Connector instance 'helpdesk' (remote): 'Addresses' must be", failure, StringComparison.Ordinal);
        Assert.Contains("Connector instance 'helpdesk' (remote): 'Token' must be at least 32 characters", failure, StringComparison.Ordinal);
        Assert.Contains("Connector instance 'helpdesk' (remote): 'SigningSecret' must be", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_required_option_missing_for_a_typo_names_the_option_the_typo_is_near()
    {
        var failure = await StartFailureAsync(new Dictionary<string, string>
        {
            ["Hub:Connectors:helpdesk:Kind"] = "remote",
            ["Hub:Connectors:helpdesk:Addresses"] = "http://10.0.0.1:8080",
            ["Hub:Connectors:helpdesk:Tokn"] = "a-token-of-more-than-32-characters-0123456789",
            ["Hub:Connectors:helpdesk:SigningSecret"] = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
        });
        Assert.Contains("Connector instance 'helpdesk' (remote): 'Token' is required", failure, StringComparison.Ordinal);
        Assert.Contains("Connector instance 'helpdesk' (remote): Hub:Connectors:helpdesk:Tokn is not one of its options; did you mean Hub:Connectors:helpdesk:Token?", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_remote_instances_with_one_token_stop_the_start_naming_both()
    {
        var settings = new Dictionary<string, string>();
        foreach (var id in new[] { "helpdesk", "shop" })
        {
            settings[$"Hub:Connectors:{id}:Kind"] = "remote";
            settings[$"Hub:Connectors:{id}:Addresses"] = "http://10.0.0.1:8080";
            settings[$"Hub:Connectors:{id}:Token"] = "one-token-for-two-instances-0123456789";
            settings[$"Hub:Connectors:{id}:SigningSecret"] = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
        }
        var failure = await StartFailureAsync(settings);
        Assert.Contains("Connector instances 'helpdesk' and 'shop' (remote) have the same 'Token'", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_caller_twiml_template_that_is_not_twiml_stops_the_start_naming_the_setting()
    {
        var failure = await StartFailureAsync(new Dictionary<string, string> { ["Hub:Context:Twiml:KnownCaller"] = "Hello {name}" });
        Assert.Contains("Hub:Context:Twiml: every template must be a TwiML document", failure, StringComparison.Ordinal);
        // An options validation at start is a configuration error too: its message alone, and exit code 78.
        Assert.Contains("The hub exited with code 78 while starting", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ingress_buffer_limit_below_one_stops_the_start_naming_the_setting()
    {
        var failure = await StartFailureAsync(new Dictionary<string, string> { ["Hub:Ingress:BufferLimit"] = "0" });
        Assert.Contains("Hub:Ingress:BufferLimit must be at least 1 (got 0)", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resolution_retry_limit_that_leaves_no_try_alone_stops_the_start_naming_the_setting()
    {
        var failure = await StartFailureAsync(new Dictionary<string, string> { ["Hub:Resolution:RetryLimit"] = "2" });
        Assert.Contains("Hub:Resolution:RetryLimit must be at least 3 (got 2)", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_default_phone_region_nobody_knows_stops_the_start_naming_the_setting()
    {
        var failure = await StartFailureAsync(new Dictionary<string, string> { ["Hub:Identity:DefaultRegion"] = "XX" });
        Assert.Contains("Hub:Identity:DefaultRegion must be an ISO 3166 two-letter region such as US or ES (got 'XX')", failure, StringComparison.Ordinal);
    }

    /// <summary>Starts a hub with <paramref name="settings"/>, which must fail; the failure's message.</summary>
    private static async Task<string> StartFailureAsync(Dictionary<string, string> settings)
    {
        var directory = Directory.CreateTempSubdirectory("hub-config-").FullName;
        try
        {
            return (await Assert.ThrowsAsync<InvalidOperationException>(() => HubProcess.StartAsync(settings, directory))).Message;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

using Hub.Connectors.Salesforce.Records;

namespace Hub.Connectors.Salesforce.Tests.Records;

/// <summary>The 15 → 18 character conversion, checked against the ids the formats README derives from Salesforce's docs.</summary>
public sealed class SalesforceIdTests
{
    [Theory]
    [InlineData("0015f00002J9YYE", "0015f00002J9YYEAA3")]
    [InlineData("0055f000005mc66", "0055f000005mc66AAA")]
    [InlineData("00D5g000004SdQn", "00D5g000004SdQnEAK")]
    [InlineData("0035g00000Qk7Xa", "0035g00000Qk7XaAAJ")]
    [InlineData("0055g00000DkRw2", "0055g00000DkRw2AAF")]
    public void A_15_character_id_gets_its_case_suffix(string id15, string id18)
    {
        Assert.Equal(id18, SalesforceId.Normalize(id15));
    }

    [Fact]
    public void An_18_character_id_with_a_matching_suffix_stays_as_it_is()
    {
        Assert.Equal("0035g00000Qk7XaAAJ", SalesforceId.Normalize("0035g00000Qk7XaAAJ"));
    }

    [Theory]
    [InlineData("0035G00000QK7XAAAJ")]
    [InlineData("0035g00000Qk7XaAAA")]
    public void An_18_character_id_whose_case_was_altered_is_refused(string id)
    {
        Assert.Null(SalesforceId.Normalize(id));
    }

    [Fact]
    public void Ids_differing_only_in_case_are_different_records()
    {
        Assert.NotEqual(SalesforceId.Normalize("000000000000Abc"), SalesforceId.Normalize("000000000000aBC"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0035g00000Qk7X")]
    [InlineData("0035g00000Qk7Xa-AJ")]
    public void Anything_else_is_not_an_id(string? id)
    {
        Assert.Null(SalesforceId.Normalize(id));
    }
}

using Hub.Core.Identity;

namespace Hub.Core.Tests.Identity;

public sealed class DuplicateKeysTests
{
    [Theory]
    [InlineData("Carla Núñez", "carla  nunez")]
    [InlineData("Łukasz Søren", "Lukasz Soren")]
    [InlineData("Straße GmbH", "Strasse GmbH")]
    [InlineData("Ærø Œuvre", "aero oeuvre")]
    [InlineData("Đorđe Þór", "Dorde Thor")]
    public void Names_written_with_and_without_their_marks_share_a_key(string written, string plain)
    {
        Assert.Equal(DuplicateKeys.OfField("name", plain), DuplicateKeys.OfField("name", written));
    }

    [Fact]
    public void Different_names_keep_different_keys_and_uncompared_fields_have_none()
    {
        Assert.NotEqual(DuplicateKeys.OfField("name", "Lukas Soren"), DuplicateKeys.OfField("name", "Łukasz Søren"));
        Assert.Null(DuplicateKeys.OfField("title", "CFO"));
    }
}

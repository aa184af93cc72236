using Hub.Contracts.Touchpoints;

namespace Hub.Core.Tests.Touchpoints;

public sealed class TouchpointIdsTests
{
    [Fact]
    public void The_same_instance_and_event_always_give_the_same_id()
    {
        var first = TouchpointIds.From("crm-main", "3f8c2a71-6b1e-4d9a-8f0c-2e5b7d9a1c44");
        var second = TouchpointIds.From("crm-main", "3f8c2a71-6b1e-4d9a-8f0c-2e5b7d9a1c44");

        Assert.Equal(first, second);
        Assert.NotEqual(Guid.Empty, first);
    }

    [Fact]
    public void Another_instance_gives_another_id()
    {
        Assert.NotEqual(TouchpointIds.From("crm-main", "evt-1"), TouchpointIds.From("crm-eu", "evt-1"));
    }

    [Fact]
    public void Another_source_event_id_gives_another_id()
    {
        Assert.NotEqual(TouchpointIds.From("crm-main", "evt-1"), TouchpointIds.From("crm-main", "evt-2"));
    }

    [Fact]
    public void Ids_are_case_sensitive_like_the_source_ids_they_come_from()
    {
        Assert.NotEqual(TouchpointIds.From("crm-main", "evt-a"), TouchpointIds.From("crm-main", "evt-A"));
    }

    [Theory]
    [InlineData("crm-main", "evt-1")]
    [InlineData("a", "b")]
    [InlineData("twilio-voice", "CA1234567890abcdef1234567890abcdef")]
    [InlineData("seg", "ajs-next-1742030000150-7c2d9e1a-4b6f-4e3a-9d8c-5f1e2a3b4c5d")]
    public void Id_is_an_RFC_9562_version_8_uuid(string instance, string sourceEventId)
    {
        var id = TouchpointIds.From(instance, sourceEventId);
        var bigEndian = id.ToByteArray(bigEndian: true);
        var text = id.ToString("D");

        Assert.Equal(0x80, bigEndian[6] & 0xF0);
        Assert.Equal(0x80, bigEndian[8] & 0xC0);
        Assert.Equal('8', text[14]);
        Assert.Contains(text[19], "89ab");
        Assert.Equal(8, id.Version);
    }

    [Fact]
    public void Separator_in_the_instance_id_cannot_make_two_events_collide()
    {
        var left = TouchpointIds.From("a:b", "c");
        var right = TouchpointIds.From("a", "b:c");

        Assert.NotEqual(left, right);
    }

    [Fact]
    public void Length_prefix_in_the_event_id_cannot_make_two_events_collide()
    {
        // "1:a" + ":" + "2:x" hashed naively equals "1" + ":" + "a:2:x"; neither may collide with the other.
        Assert.NotEqual(TouchpointIds.From("a", "2:x"), TouchpointIds.From("a:2", "x"));
        Assert.NotEqual(TouchpointIds.From("1:a", "x"), TouchpointIds.From("1", "a:x"));
    }

    [Theory]
    [InlineData("", "evt-1")]
    [InlineData("crm-main", "")]
    public void Empty_instance_or_event_id_is_refused(string instance, string sourceEventId)
    {
        Assert.Throws<ArgumentException>(() => TouchpointIds.From(instance, sourceEventId));
    }
}

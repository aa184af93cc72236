using Hub.Contracts.Identity;
using Hub.Contracts.Touchpoints;

namespace Hub.Integration.Tests.Identity;

/// <summary>
/// Touchpoints of one batch that land in a component merge protection has refused in are applied by one replay
/// of that component at the end of the batch, not one replay each, and end exactly as when applied one by one.
/// </summary>
public sealed class BatchReplayTests
{
    private static readonly CustomerIdentifier JaneContact = new("salesforce:contact", "S1");
    private static readonly CustomerIdentifier BobContact = new("salesforce:contact", "S2");
    private static readonly CustomerIdentifier JaneEmail = CustomerIdentifier.Email("jane@example.org");
    private static readonly CustomerIdentifier BobEmail = CustomerIdentifier.Email("bob@example.org");
    private static readonly CustomerIdentifier BobPhone = CustomerIdentifier.Phone("+12015550102");
    private static readonly CustomerIdentifier Stranger = CustomerIdentifier.Email("stranger@example.org");

    private static readonly TouchpointReceived[] Known =
    [
        CrmTouchpoints.Identified("jane", 0, "Jane Doe", JaneContact, JaneEmail),
        CrmTouchpoints.Identified("bob", 1, "Bob Roe", BobContact, BobEmail),
    ];

    /// <summary>Jane's contact with Bob's e-mail is refused (one contact id each), so both customers are replayed from then on.</summary>
    private static readonly TouchpointReceived[] Batch =
    [
        CrmTouchpoints.Identified("mixed", 2, "Jane Doe", JaneContact, BobEmail),
        CrmTouchpoints.Identified("stranger", 3, "Sam Stranger", Stranger),
        CrmTouchpoints.Identified("bob-phone", 4, "Bob Roe", BobEmail, BobPhone),
        CrmTouchpoints.Identified("bob-again", 5, "Robert Roe", BobPhone),
    ];

    [Fact]
    public async Task A_batch_replays_each_contested_component_once_and_ends_as_one_touchpoint_at_a_time_does()
    {
        using var oneByOne = new ResolverHarness();
        await oneByOne.ApplyAsync(Known);
        var replaysOneByOne = new List<int>();
        foreach (var touchpoint in Batch)
        {
            replaysOneByOne.AddRange((await oneByOne.ApplyAsync([touchpoint])).ReplayedLinks);
        }

        using var batched = new ResolverHarness();
        await batched.ApplyAsync(Known);
        var changes = await batched.ApplyAsync(Batch);

        Assert.Equal([3, 4, 5], replaysOneByOne);
        Assert.Equal([5], changes.ReplayedLinks);
        Assert.Equal(Batch.Select(t => t.TouchpointId).Order(), changes.NewTouchpointIds.Order());
        var shape = await batched.ShapeAsync();
        Assert.Equal(await oneByOne.ShapeAsync(), shape);
        Assert.Contains("email:stranger@example.org | name=Sam Stranger | stranger", shape, StringComparison.Ordinal);
    }
}

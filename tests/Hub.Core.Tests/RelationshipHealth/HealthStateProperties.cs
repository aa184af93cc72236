using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Hub.Contracts.Touchpoints;
using Hub.Core.RelationshipHealth;

namespace Hub.Core.Tests.RelationshipHealth;

/// <summary>
/// The kept state equals the from-scratch definition over the timeline, whatever order the touchpoints arrive in,
/// however they were spread over customers merged later, and through the stored form.
/// </summary>
public sealed class HealthStateProperties
{
    private static readonly (string Channel, string Type, TouchpointDirection Direction)[] Kinds =
    [
        ("sms", "sms.received", TouchpointDirection.Inbound),
        ("sms", "sms.sent", TouchpointDirection.Outbound),
        ("sms", "sms.blocked", TouchpointDirection.Outbound),
        ("sms", "sms.opt_out", TouchpointDirection.Inbound),
        ("email", "email.received", TouchpointDirection.Inbound),
        ("email", "email.sent", TouchpointDirection.Outbound),
        ("social", "social.mention", TouchpointDirection.Inbound),
        ("social", "social.like", TouchpointDirection.Inbound),
        ("social", "social.reply.sent", TouchpointDirection.Outbound),
        ("phone", "call.missed", TouchpointDirection.Inbound),
        ("phone", "call.completed", TouchpointDirection.Inbound),
        ("phone", "call.completed", TouchpointDirection.Outbound),
        ("phone", "call.started", TouchpointDirection.Inbound),
        ("phone", "call.started", TouchpointDirection.Outbound),
        ("phone", "call.missed", TouchpointDirection.Outbound),
        ("sms", "sms.help", TouchpointDirection.Inbound),
        ("crm", "crm.case.opened", TouchpointDirection.Inbound),
        ("crm", "crm.case.updated", TouchpointDirection.None),
        ("crm", "crm.case.closed", TouchpointDirection.None),
        ("crm", "crm.contact.updated", TouchpointDirection.None),
        ("web", "web.page.viewed", TouchpointDirection.None),
    ];

    public sealed record Scenario(HealthTouchpoint[] Timeline, int Seed);

    public static Arbitrary<Scenario> Scenarios() =>
        (from count in Gen.Choose(0, 40)
         from kinds in Gen.Choose(0, Kinds.Length - 1).ArrayOf(count)
         from minutes in Gen.Choose(0, 30).ArrayOf(count)
         from cases in Gen.Choose(0, 2).ArrayOf(count)
         from seed in Gen.Choose(0, int.MaxValue)
         select new Scenario([.. kinds.Select((k, i) => new HealthTouchpoint(
             Kinds[k].Channel, Kinds[k].Type, Kinds[k].Direction,
             new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero).AddMinutes(minutes[i] * 7), $"case-{cases[i]}"))], seed)).ToArbitrary();

    [Property(Arbitrary = [typeof(HealthStateProperties)], MaxTest = 500)]
    public void Applied_in_any_order_the_state_equals_the_definition_over_the_timeline(Scenario scenario)
    {
        var shuffled = (HealthTouchpoint[])scenario.Timeline.Clone();
        new Random(scenario.Seed).Shuffle(shuffled);
        Assert.Equal(Json(HealthDefinition.Compute(scenario.Timeline)), Json(HealthState.From(shuffled).Summarize()));
    }

    [Property(Arbitrary = [typeof(HealthStateProperties)], MaxTest = 500)]
    public void Split_over_two_customers_that_merge_and_stored_between_touchpoints_the_state_still_equals_the_definition(Scenario scenario)
    {
        var random = new Random(scenario.Seed);
        var shuffled = (HealthTouchpoint[])scenario.Timeline.Clone();
        random.Shuffle(shuffled);
        var (survivor, merged) = (new HealthState(), new HealthState());
        foreach (var touchpoint in shuffled)
        {
            if (random.Next(2) == 0)
            {
                survivor = HealthState.Decode(survivor.Encode());
                survivor.Apply(touchpoint);
            }
            else
            {
                merged.Apply(touchpoint);
            }
        }
        survivor.Absorb(HealthState.Decode(merged.Encode()));
        Assert.Equal(Json(HealthDefinition.Compute(scenario.Timeline)), Json(survivor.Summarize()));
    }

    private static string Json(Hub.Core.RelationshipHealth.RelationshipHealth health) => JsonSerializer.Serialize(health);
}

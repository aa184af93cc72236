using Hub.Contracts.Connectors;

namespace Hub.Connectors.Webhooks.Sync;

/// <summary>A target's final answer: its status and, for a refusal, the start of what it said (<see cref="AnswerExcerpt"/>).</summary>
internal sealed record TargetAnswer(int Status, string Excerpt)
{
    /// <summary><c>: "…"</c> with the excerpt, or nothing when the target said nothing.</summary>
    public string Quoted => AnswerExcerpt.Quoted(Excerpt);
}

namespace PlateOrleans.Grains.Selection;

/// <summary>
/// A state with answers kept for replay (<see cref="IdempotentReplies"/>): each is written once and then only read or
/// forgotten, and together they are most of a selection's bytes. The storage that writes on every step
/// (<see cref="StorageNames.Selections"/>) keeps them in rows of their own, writing only the new ones beside the rest of
/// the state, which it serializes without them; other providers keep them in the state like any property.
/// </summary>
public interface IKeepsReplies
{
    /// <summary>The answers, newest last.</summary>
    List<IdempotentReply> Replies { get; set; }
}

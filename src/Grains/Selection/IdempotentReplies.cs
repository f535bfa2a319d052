using Orleans.Serialization;
using PlateOrleans.Contracts;

namespace PlateOrleans.Grains.Selection;

/// <summary>
/// Which answers a selection remembers for replay by <c>Idempotency-Key</c>: each for
/// <see cref="KeptFor"/> after it was given, so that a client retrying a draw hours later (a phone that lost its
/// connection overnight) still gets its first batch and spends no second draw, however many other steps came between.
/// </summary>
public static class IdempotentReplies
{
    /// <summary>How long an answer is replayed.</summary>
    public static readonly TimeSpan KeptFor = TimeSpan.FromHours(24);

    /// <summary>
    /// At most this many answers, the oldest dropped first. A whole selection is about 20 steps, so an honest client
    /// never reaches it; without a cap, a client sending a new key with every request would grow the selection's state
    /// (written whole on every stored step) without bound for 24 hours.
    /// </summary>
    public const int MaxKept = 64;

    /// <summary>The answer given to <paramref name="key"/> less than <see cref="KeptFor"/> ago, if any.</summary>
    public static IdempotentReply? Find(List<IdempotentReply> replies, string key, DateTimeOffset now)
    {
        foreach (var reply in replies)
        {
            if (reply.Key == key && now - reply.StoredAt < KeptFor)
            {
                return reply;
            }
        }

        return null;
    }

    /// <summary>The answer <paramref name="reply"/> keeps, as it was given.</summary>
    public static SelectionReply AnswerOf(IdempotentReply reply, Serializer serializer) =>
        reply.Earlier ?? serializer.Deserialize<SelectionReply>(reply.Reply)!;

    /// <summary>What <see cref="Remember"/> keeps of an answer given now.</summary>
    public static IdempotentReply Of(string key, SelectionCommand command, SelectionReply answer, DateTimeOffset at, Serializer serializer) =>
        new(key, command, serializer.SerializeToArray(answer), at);

    /// <summary>Keeps <paramref name="reply"/> (newest last), forgetting answers too old or too many.</summary>
    public static void Remember(List<IdempotentReply> replies, IdempotentReply reply)
    {
        // Answers stored before the time was recorded carry the minimum time: they are forgotten here too.
        replies.RemoveAll(r => r.Key == reply.Key || reply.StoredAt - r.StoredAt >= KeptFor);
        replies.Add(reply);
        if (replies.Count > MaxKept)
        {
            replies.RemoveRange(0, replies.Count - MaxKept);
        }
    }
}

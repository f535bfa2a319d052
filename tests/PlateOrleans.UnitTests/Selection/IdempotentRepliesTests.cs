using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Serialization;
using PlateOrleans.Contracts;
using PlateOrleans.Grains.Selection;

namespace PlateOrleans.UnitTests.Selection;

public sealed class IdempotentRepliesTests
{
    private readonly FakeTimeProvider _time = new(SelectionWorld.Start);
    private readonly List<IdempotentReply> _replies = [];

    private static readonly SelectionReply _firstBatch = new PlateError("first", "the first answer");

    private static readonly Serializer _serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private void Remember(string key, SelectionCommand command, SelectionReply reply) =>
        IdempotentReplies.Remember(_replies, IdempotentReplies.Of(key, command, reply, _time.GetUtcNow(), _serializer));

    [Fact]
    public void ARetriedDrawAfterManyOtherStepsStillGetsItsFirstAnswer()
    {
        Remember("draw-1", new SelectionCommand.Draw(false), _firstBatch);
        for (var i = 0; i < 50; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(10));
            Remember($"backup-{i}", new SelectionCommand.AddBackup("冀AD12345"), new PlateError("other", "another answer"));
        }

        var replayed = IdempotentReplies.Find(_replies, "draw-1", _time.GetUtcNow());

        Assert.NotNull(replayed);
        Assert.Equal(_firstBatch, IdempotentReplies.AnswerOf(replayed, _serializer));
    }

    [Fact]
    public void AKeyIsForgottenADayAfterItsAnswer()
    {
        Remember("draw-1", new SelectionCommand.Draw(false), _firstBatch);

        _time.Advance(IdempotentReplies.KeptFor - TimeSpan.FromSeconds(1));
        Assert.NotNull(IdempotentReplies.Find(_replies, "draw-1", _time.GetUtcNow()));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(IdempotentReplies.Find(_replies, "draw-1", _time.GetUtcNow()));

        // Nor is it kept in the state once another answer is stored.
        Remember("draw-2", new SelectionCommand.Draw(false), _firstBatch);
        Assert.Equal(["draw-2"], _replies.Select(r => r.Key));
    }

    [Fact]
    public void AClientSendingANewKeyWithEveryRequestCannotGrowTheStateBeyondTheCap()
    {
        for (var i = 0; i < 10 * IdempotentReplies.MaxKept; i++)
        {
            Remember($"flood-{i}", new SelectionCommand.Start(), new PlateError("wrong_stage", "no"));
        }

        Assert.Equal(IdempotentReplies.MaxKept, _replies.Count);
        // The oldest went first; the newest are kept.
        Assert.Equal($"flood-{(10 * IdempotentReplies.MaxKept) - 1}", _replies[^1].Key);
        Assert.Null(IdempotentReplies.Find(_replies, "flood-0", _time.GetUtcNow()));
    }

    [Fact]
    public void AnAnswerStoredBeforeTimesWereRecordedIsNotReplayed()
    {
        _replies.Add(IdempotentReplies.Of("old", new SelectionCommand.Draw(false), _firstBatch, default, _serializer));

        Assert.Null(IdempotentReplies.Find(_replies, "old", _time.GetUtcNow()));
    }

    [Fact]
    public void AnAnswerStoredWholeBeforeAnswersWereKeptSerializedIsStillReplayed()
    {
        var earlier = new IdempotentReply("draw-1", new SelectionCommand.Draw(false), null!, _time.GetUtcNow()) { Earlier = _firstBatch };

        Assert.Same(_firstBatch, IdempotentReplies.AnswerOf(earlier, _serializer));
    }
}

namespace PlateOrleans.DatabaseTests;

/// <summary>Several things a test made, disposed as one, in the order given (a writer before the database under it).</summary>
internal static class Disposables
{
    public static IAsyncDisposable InOrder(params IAsyncDisposable[] parts) => new All(parts);

    private sealed class All(IAsyncDisposable[] parts) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var part in parts)
            {
                await part.DisposeAsync();
            }
        }
    }
}

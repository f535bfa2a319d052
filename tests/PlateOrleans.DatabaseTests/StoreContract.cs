using PlateOrleans.Silo.Storage;

namespace PlateOrleans.DatabaseTests;

/// <summary>
/// A contract test of a store (the plate ledger, the audit trail), run against every implementation so that they
/// agree: each test gets a store on an empty backing from <see cref="CreateAsync"/> and disposes what owns it after.
/// </summary>
public abstract class StoreContract<TStore> : IAsyncLifetime
    where TStore : class
{
    private IAsyncDisposable? _owner;

    protected TStore Store { get; private set; } = null!;

    public async Task InitializeAsync() => (Store, _owner) = await CreateAsync();

    public async Task DisposeAsync()
    {
        if (_owner is not null)
        {
            await _owner.DisposeAsync();
        }
    }

    /// <summary>A store on an empty backing, and what to dispose after the test.</summary>
    protected abstract Task<(TStore Store, IAsyncDisposable? Owner)> CreateAsync();

    /// <summary>A SQL store made by <paramref name="create"/> on a fresh migrated database; disposed before its database.</summary>
    protected static async Task<(TStore Store, IAsyncDisposable? Owner)> OnDatabaseAsync<TSqlStore>(Engine engine, string name, Func<LedgerDatabase, TSqlStore> create)
        where TSqlStore : TStore, IAsyncDisposable
    {
        var database = LedgerDatabase.Create(await TestDatabases.CreateMigratedAsync(engine, name));
        var store = create(database);
        return (store, Disposables.InOrder(store, database));
    }
}

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using PlateOrleans.Contracts;
using PlateOrleans.Grains.Ledger;

namespace PlateOrleans.ApiTests;

/// <summary>The API with an audit trail the test takes down and brings back.</summary>
public sealed class AuditOutageApiFactory : ApiFactory
{
    public SwitchableAuditTrail Trail { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IAuditTrail>(Trail));
    }
}

/// <summary>The in-memory trail, failing as a database that does not answer while <see cref="Down"/>.</summary>
public sealed class SwitchableAuditTrail : IAuditTrail
{
    private readonly InMemoryAuditTrail _trail = new();

    public volatile bool Down;

    public Task AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default) =>
        Down ? throw new LedgerUnavailableException("the audit database does not answer") : _trail.AppendAsync(auditEvent, cancellationToken);

    public Task<IReadOnlyList<AuditEvent>> ReadByVinAsync(string vin, CancellationToken cancellationToken = default) =>
        _trail.ReadByVinAsync(vin, cancellationToken);

    public Task<IReadOnlyList<AuditEvent>> FindAsync(AuditQuery query, CancellationToken cancellationToken = default) =>
        _trail.FindAsync(query, cancellationToken);
}

/// <summary>
/// An operator's action is done first, then recorded: with the trail down the answer is 503 saying that the action took
/// effect but was not recorded (never a silent success), and sending the same request again records it.
/// </summary>
public sealed class AuditOutageTests(AuditOutageApiFactory factory) : ApiTest<AuditOutageApiFactory>(factory), IClassFixture<AuditOutageApiFactory>
{
    [Fact]
    public async Task AnActionWhoseTrailIsDownAnswers503SayingSoAndTheSameRequestAgainRecordsIt()
    {
        var office = await Api.CreateOfficeAsync();
        var admin = await Api.AdminAsync();
        var pool = new { series = new[] { new { plateKind = "small", energyLetter = "D", blocks = new[] { "DA####" } } } };

        Factory.Trail.Down = true;
        var problem = await ExpectProblem(HttpStatusCode.ServiceUnavailable, "unavailable", admin.PutAsJsonAsync($"/api/v1/admin/offices/{office}/pool", pool));
        Assert.Contains("已生效", problem.GetProperty("detail").GetString());
        Assert.Equal("DA####", (await Api.PoolAsync(office)).GetProperty("series")[0].GetProperty("blocks")[0].GetString());

        Factory.Trail.Down = false;
        await Expect(HttpStatusCode.OK, admin.PutAsJsonAsync($"/api/v1/admin/offices/{office}/pool", pool));

        var trail = await Expect(HttpStatusCode.OK, admin.GetAsync($"/api/v1/admin/audit?office={office}&kind=pool_publication"));
        Assert.Equal(2, trail.GetArrayLength());
        Assert.Contains("DA####", trail[0].GetProperty("detail").GetString());
    }
}

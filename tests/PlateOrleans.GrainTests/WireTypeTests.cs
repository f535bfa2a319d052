using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Serialization;
using PlateOrleans.Grains.Ledger;
using PlateOrleans.Contracts;

namespace PlateOrleans.GrainTests;

/// <summary>What crosses a grain call must survive Orleans' serializer, or the caller hears a codec error (a 500) instead.</summary>
[Collection(ClusterCollection.Name)]
public sealed class WireTypeTests(ClusterFixture fixture)
{
    [Fact]
    public void ALedgerOutageCrossesAGrainCallAsItselfSoThatTheApiAnswers503()
    {
        var serializer = fixture.Client.ServiceProvider.GetRequiredService<Serializer>();

        var copy = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(new LedgerUnavailableException("the ledger database did not answer")));

        Assert.Equal("the ledger database did not answer", Assert.IsType<LedgerUnavailableException>(copy).Message);
    }

    [Fact]
    public void ADatabaseErrorInsideAGrainFailureCrossesAGrainCallWithItsType()
    {
        var serializer = fixture.Cluster.GetSiloServiceProvider().GetRequiredService<Serializer>();
        var failure = new InvalidOperationException("activation failed", new NpgsqlException("Failed to connect to 127.0.0.1:5432"));

        var copy = serializer.Deserialize<Exception>(serializer.SerializeToArray<Exception>(failure));

        var inner = Assert.IsType<NpgsqlException>(Assert.IsType<InvalidOperationException>(copy).InnerException);
        Assert.Equal("Failed to connect to 127.0.0.1:5432", inner.Message);
    }
}

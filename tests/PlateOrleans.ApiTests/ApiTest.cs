namespace PlateOrleans.ApiTests;

/// <summary>
/// What every HTTP test class starts from: its host (<typeparamref name="TFactory"/>, shared through a collection or a
/// class fixture; its clock and services) and a driver that speaks to it as a client would.
/// </summary>
public abstract class ApiTest<TFactory>(TFactory factory)
    where TFactory : ApiFactory
{
    protected TFactory Factory { get; } = factory;

    protected ApiDriver Api { get; } = new(factory);
}

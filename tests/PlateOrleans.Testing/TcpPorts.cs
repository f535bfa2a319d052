using System.Net;
using System.Net.Sockets;

namespace PlateOrleans.Testing;

/// <summary>Free TCP ports on the loopback address, so that concurrent test hosts never collide on fixed ports.</summary>
public static class TcpPorts
{
    /// <summary>A port nothing listens on right now (the OS picks it; it could in principle be taken again before use).</summary>
    public static int GetFree()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

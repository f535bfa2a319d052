using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace PlateOrleans.ApiTests;

/// <summary>
/// The API on Kestrel, as it runs in production: the in-memory test server does not enforce Kestrel's limits (the
/// request body size among them), so limits are tested here, over a real socket.
/// </summary>
public sealed class KestrelApiFactory : ApiFactory
{
    public KestrelApiFactory() => UseKestrel(0);
}

[CollectionDefinition(Name)]
public sealed class KestrelCollection : ICollectionFixture<KestrelApiFactory>
{
    public const string Name = "kestrel";
}

[Collection(KestrelCollection.Name)]
public sealed class ServerLimitTests(KestrelApiFactory factory) : ApiTest<KestrelApiFactory>(factory)
{
    /// <summary>Above the 4 MiB Kestrel allows.</summary>
    private const int OverLimit = 5 * 1024 * 1024;

    /// <summary>A JSON object of more than 4 MiB: one huge string field.</summary>
    private static byte[] HugeObject() => Encoding.UTF8.GetBytes("{\"username\":\"" + new string('x', OverLimit) + "\"}");

    [Theory]
    [InlineData("/api/v1/auth/register", false)]
    [InlineData("/api/v1/auth/token", false)]
    [InlineData("/api/v1/admin/offices/{office}/vehicles", true)]
    public async Task ABodyAnnouncedOverTheSizeLimitIsTooLargeWithAProblemBody(string path, bool asAdmin)
    {
        var office = await Api.CreateOfficeAsync();
        var token = asAdmin ? (await Api.AdminAsync()).DefaultRequestHeaders.Authorization?.ToString() : null;

        // HttpClient gives up when the server answers before the whole body is sent: speak HTTP over a socket instead,
        // announce 5 MiB and send only the start, as a client that is still uploading.
        var (status, contentType, body) = await SendHeadOnlyAsync(path.Replace("{office}", office, StringComparison.Ordinal), OverLimit, token);

        Assert.True(status == 413, $"expected 413, got {status} {contentType}: {body}");
        Assert.StartsWith("application/problem+json", contentType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("payload_too_large", problem.GetProperty("code").GetString());
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
    }

    /// <summary>Sends the request line, headers and the first bytes of a body of <paramref name="length"/>; reads the answer.</summary>
    private async Task<(int Status, string ContentType, string Body)> SendHeadOnlyAsync(string path, int length, string? authorization)
    {
        var address = Api.Anonymous().BaseAddress!;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port);
        var stream = tcp.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: {address.Authority}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n"
            + (authorization is null ? "" : $"Authorization: {authorization}\r\n") + "\r\n{\"username\":\"xxxxxxxx";
        await stream.WriteAsync(Encoding.UTF8.GetBytes(head));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new List<byte>();
        var buffer = new byte[8192];
        (int Status, string ContentType, string Body)? response;
        while ((response = ParseResponse([.. received])) is null)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                return (0, "", $"the connection closed after: {Encoding.UTF8.GetString([.. received])}");
            }

            received.AddRange(buffer[..read]);
        }

        return response.Value;
    }

    /// <summary>An HTTP/1.1 response once it is complete (by Content-Length or chunked), or null while bytes are missing.</summary>
    private static (int Status, string ContentType, string Body)? ParseResponse(byte[] bytes)
    {
        var separator = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (separator < 0)
        {
            return null;
        }

        var lines = Encoding.ASCII.GetString(bytes, 0, separator).Split("\r\n");
        var headers = lines[1..].Select(l => l.Split(':', 2)).Where(h => h.Length == 2)
            .ToDictionary(h => h[0].Trim(), h => h[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var contentType = headers.GetValueOrDefault("Content-Type", "");
        var rest = bytes[(separator + 4)..];
        if (headers.TryGetValue("Content-Length", out var lengthText))
        {
            var length = int.Parse(lengthText, System.Globalization.CultureInfo.InvariantCulture);
            return rest.Length >= length ? (status, contentType, Encoding.UTF8.GetString(rest, 0, length)) : null;
        }

        // Chunked: hex size, CRLF, data, CRLF, ... a last chunk of size 0.
        var body = new List<byte>();
        var at = 0;
        while (true)
        {
            var lineEnd = rest.AsSpan(at).IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return null;
            }

            var size = Convert.ToInt32(Encoding.ASCII.GetString(rest, at, lineEnd).Split(';')[0], 16);
            at += lineEnd + 2;
            if (size == 0)
            {
                return (status, contentType, Encoding.UTF8.GetString([.. body]));
            }

            if (rest.Length < at + size + 2)
            {
                return null;
            }

            body.AddRange(rest[at..(at + size)]);
            at += size + 2;
        }
    }

    [Fact]
    public async Task AChunkedBodyOverTheSizeLimitIsTooLargeWithAProblemBody()
    {
        // Without Content-Length the server learns the size only while reading.
        var content = new StreamContent(new MemoryStream(HugeObject()));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/register") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        var findings = new Findings();

        await findings.Problem("chunked register of 5 MiB", Api.Anonymous().SendAsync(request), null, (HttpStatusCode.RequestEntityTooLarge, "payload_too_large"));

        findings.AssertNone();
    }

    [Fact]
    public async Task TheSelectionFlowWorksOverARealSocket()
    {
        var (citizen, vin) = await Api.ApplicantAsync();

        await Api.WalkToDrawingAsync(citizen, vin);

        Assert.Equal(10, (await DrawAsync(citizen, vin)).Count);
    }
}

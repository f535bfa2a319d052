namespace PlateOrleans.ApiTests;

/// <summary>
/// Collects every answer that is not the documented problem, so that one run over many malformed requests lists all
/// that are wrong instead of stopping at the first. <see cref="AssertNone"/> fails with the whole list.
/// </summary>
public sealed class Findings
{
    private readonly List<string> _wrong = [];

    /// <summary>Expects a problem with one of the given (status, code) pairs, naming <paramref name="field"/> in <c>errors</c> if given.</summary>
    public async Task Problem(string what, Task<HttpResponseMessage> request, string? field, params (HttpStatusCode Status, string Code)[] accepted)
    {
        HttpResponseMessage response;
        try
        {
            response = await request;
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            _wrong.Add($"{what}: the connection failed: {e.Message}");
            return;
        }

        var body = await response.Content.ReadAsStringAsync();
        var shown = body.Length > 300 ? body[..300] + "…" : body;
        var status = response.StatusCode;
        if (!accepted.Any(a => a.Status == status))
        {
            _wrong.Add($"{what}: expected {string.Join(" or ", accepted.Select(a => $"{(int)a.Status} {a.Code}"))}, got {(int)status} {response.Content.Headers.ContentType}: {shown}");
            return;
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            _wrong.Add($"{what}: {(int)status} with Content-Type '{response.Content.Headers.ContentType}' instead of application/problem+json: {shown}");
            return;
        }

        JsonElement problem;
        try
        {
            problem = JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            _wrong.Add($"{what}: the problem is not JSON: {shown}");
            return;
        }

        var code = problem.TryGetProperty("code", out var c) ? c.GetString() : null;
        if (!accepted.Any(a => a.Status == status && a.Code == code))
        {
            _wrong.Add($"{what}: {(int)status} with code '{code}': {shown}");
        }
        else if (!problem.TryGetProperty("detail", out var detail) || string.IsNullOrWhiteSpace(detail.GetString()))
        {
            _wrong.Add($"{what}: no detail: {shown}");
        }
        else if (field is not null && !(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _)))
        {
            _wrong.Add($"{what}: errors do not name '{field}': {shown}");
        }
    }

    /// <summary>Expects 400 validation_failed naming <paramref name="field"/> (any field when null).</summary>
    public Task Invalid(string what, Task<HttpResponseMessage> request, string? field) =>
        Problem(what, request, field, (HttpStatusCode.BadRequest, "validation_failed"));

    /// <summary>Records a finding of the test's own.</summary>
    public void Add(string finding) => _wrong.Add(finding);

    public void AssertNone() => Assert.True(_wrong.Count == 0, $"{_wrong.Count} answers break the contract:\n" + string.Join("\n", _wrong));
}

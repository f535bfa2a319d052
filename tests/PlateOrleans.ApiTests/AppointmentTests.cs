using System.Net.Http.Headers;
using static PlateOrleans.ApiTests.Appointments;

namespace PlateOrleans.ApiTests;

/// <summary>
/// Booking the time and place to exchange the plate (预约换领号牌的时间和地点): the public slots with live counts, booking,
/// moving and cancelling, never beyond a slot's capacity, and bad input refused without changing anything.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AppointmentTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    private static DateOnly Today => Appointments.Today(DateTimeOffset.UtcNow);

    [Fact]
    public async Task ABookingTakesAPlaceShowsInTheSelectionAndIsToldToTheOwnersPhone()
    {
        var office = await OfficeAsync(Api);
        var confirmed = await Confirmed.WalkAsync(Api, office);
        var date = Today.AddDays(2);
        var slots = await Expect(HttpStatusCode.OK, Api.Anonymous().GetAsync($"/api/v1/offices/{office}/appointment-slots?date={Text(date)}"));
        Assert.Equal(
            [("main", "本所", Text(date), Morning, 10, 0), ("main", "本所", Text(date), Afternoon, 10, 0)],
            slots.EnumerateArray().Select(s => (s.GetProperty("locationId").GetString(), s.GetProperty("locationName").GetString(), s.GetProperty("date").GetString(),
                s.GetProperty("slot").GetString(), s.GetProperty("capacity").GetInt32(), s.GetProperty("booked").GetInt32())));

        var response = await confirmed.Citizen.Client.PostAsJsonAsync(Path(confirmed.Vin), Body(date));
        var booking = await Expect(HttpStatusCode.Created, Task.FromResult(response));

        Assert.Equal(Path(confirmed.Vin), response.Headers.Location?.OriginalString);
        Assert.Equal(("main", "本所", Text(date), Morning), (booking.GetProperty("locationId").GetString(), booking.GetProperty("locationName").GetString(),
            booking.GetProperty("date").GetString(), booking.GetProperty("slot").GetString()));
        Assert.Equal(1, await BookedAsync(Api, office, date));
        Assert.Equal(booking.GetRawText(), (await ViewAsync(confirmed.Citizen, confirmed.Vin)).GetProperty("selected").GetProperty("appointment").GetRawText());
        Assert.Equal(booking.GetRawText(), (await Expect(HttpStatusCode.OK, confirmed.Citizen.Client.GetAsync(Path(confirmed.Vin)))).GetRawText());
        var texts = await TextsAsync(Api, confirmed.Citizen.Phone);
        Assert.Contains($"已预约 {Text(date)} {Morning} 本所", texts[0], StringComparison.Ordinal);
        Assert.Contains(confirmed.Plate, texts[0], StringComparison.Ordinal);

        // The same booking again (a retry without a key) books once and tells nothing new.
        Assert.Equal(booking.GetRawText(), (await Expect(HttpStatusCode.Created, confirmed.Citizen.Client.PostAsJsonAsync(Path(confirmed.Vin), Body(date)))).GetRawText());
        Assert.Equal(1, await BookedAsync(Api, office, date));
        Assert.Equal(texts.Count, (await TextsAsync(Api, confirmed.Citizen.Phone)).Count);
    }

    [Fact]
    public async Task AMoveTakesTheNewPlaceAndFreesTheOldAndACancellationFreesIt()
    {
        var office = await OfficeAsync(Api);
        var confirmed = await Confirmed.WalkAsync(Api, office);
        var (first, second) = (Today.AddDays(2), Today.AddDays(3));
        await Expect(HttpStatusCode.Created, confirmed.Citizen.Client.PostAsJsonAsync(Path(confirmed.Vin), Body(first)));

        var moved = await Expect(HttpStatusCode.Created, confirmed.Citizen.Client.PostAsJsonAsync(Path(confirmed.Vin), Body(second, Afternoon)));

        Assert.Equal((Text(second), Afternoon), (moved.GetProperty("date").GetString(), moved.GetProperty("slot").GetString()));
        Assert.Equal((0, 1), (await BookedAsync(Api, office, first), await BookedAsync(Api, office, second, Afternoon)));
        Assert.Contains($"由 {Text(first)} {Morning} 本所 改为 {Text(second)} {Afternoon} 本所", (await TextsAsync(Api, confirmed.Citizen.Phone))[0], StringComparison.Ordinal);

        // Within one day: from the afternoon to the morning.
        await Expect(HttpStatusCode.Created, confirmed.Citizen.Client.PostAsJsonAsync(Path(confirmed.Vin), Body(second)));
        Assert.Equal((1, 0), (await BookedAsync(Api, office, second), await BookedAsync(Api, office, second, Afternoon)));

        await Expect(HttpStatusCode.NoContent, confirmed.Citizen.Client.DeleteAsync(Path(confirmed.Vin)));

        Assert.Equal(0, await BookedAsync(Api, office, second));
        Assert.Equal(JsonValueKind.Null, (await ViewAsync(confirmed.Citizen, confirmed.Vin)).GetProperty("selected").GetProperty("appointment").ValueKind);
        Assert.Contains($"已取消 {Text(second)} {Morning} 本所", (await TextsAsync(Api, confirmed.Citizen.Phone))[0], StringComparison.Ordinal);
        await ExpectProblem(HttpStatusCode.NotFound, "not_found", confirmed.Citizen.Client.DeleteAsync(Path(confirmed.Vin)));
        await ExpectProblem(HttpStatusCode.NotFound, "not_found", confirmed.Citizen.Client.GetAsync(Path(confirmed.Vin)));
    }

    [Fact]
    public async Task ThreeHundredApplicantsBookingFiftyPlacesAtOnceGetExactlyFiftyAndTheOthersHearSlotFull()
    {
        var office = await OfficeAsync(Api, capacity: 50);
        var applicants = new List<Confirmed>();
        foreach (var chunk in Enumerable.Range(0, 300).Chunk(25))
        {
            applicants.AddRange(await Task.WhenAll(chunk.Select(_ => Confirmed.WalkAsync(Api, office))));
        }

        var date = Today.AddDays(2);
        var answers = await Task.WhenAll(applicants.Select(a => BookAsync(a, date)));

        Assert.Equal(50, answers.Count(a => a.Status == HttpStatusCode.Created));
        Assert.Equal(250, answers.Count(a => a.Status == HttpStatusCode.Conflict && a.Code == "slot_full"));
        Assert.Equal(50, await BookedAsync(Api, office, date));
        var booked = await Task.WhenAll(applicants.Select(async a =>
            (await ViewAsync(a.Citizen, a.Vin)).GetProperty("selected").GetProperty("appointment").ValueKind == JsonValueKind.Object));
        Assert.Equal(50, booked.Count(b => b));
        Assert.Equal(answers.Select(a => a.Status == HttpStatusCode.Created), booked);
    }

    /// <summary>Books as a frontend does: with an Idempotency-Key, sent again after a 503 (the server shedding load).</summary>
    private static async Task<(HttpStatusCode Status, string? Code)> BookAsync(Confirmed applicant, DateOnly date)
    {
        var key = Guid.NewGuid().ToString("N");
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Path(applicant.Vin)) { Content = JsonContent.Create(Body(date)) };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await applicant.Citizen.Client.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 50)
            {
                await Task.Delay(100);
                continue;
            }

            var body = await response.Content.ReadAsStringAsync();
            var code = response.StatusCode == HttpStatusCode.Created ? null : JsonDocument.Parse(body).RootElement.GetProperty("code").GetString();
            return (response.StatusCode, code);
        }
    }

    [Fact]
    public async Task AnIdempotencyKeyAnswersItsFirstBookingAgainEvenAfterAMove()
    {
        var office = await OfficeAsync(Api);
        var confirmed = await Confirmed.WalkAsync(Api, office);
        var (first, second) = (Today.AddDays(2), Today.AddDays(3));
        async Task<JsonElement> Book(DateOnly date, string key, HttpStatusCode status = HttpStatusCode.Created)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Path(confirmed.Vin)) { Content = JsonContent.Create(Body(date)) };
            request.Headers.Add("Idempotency-Key", key);
            return await Expect(status, confirmed.Citizen.Client.SendAsync(request));
        }

        var booked = await Book(first, "book-1");
        await Book(second, "book-2");

        Assert.Equal(booked.GetRawText(), (await Book(first, "book-1")).GetRawText());
        Assert.Equal((0, 1), (await BookedAsync(Api, office, first), await BookedAsync(Api, office, second)));
        Assert.Equal("idempotency_key_reused", (await Book(second, "book-1", (HttpStatusCode)422)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task OnlyTheOwnerOfACompletedFormalSelectionBooks()
    {
        var office = await OfficeAsync(Api);
        var confirmed = await Confirmed.WalkAsync(Api, office);
        var date = Today.AddDays(2);
        var (drawing, drawingVin) = await Api.ApplicantAsync(office);
        await Api.WalkToDrawingAsync(drawing, drawingVin);
        var stranger = await Api.RegisterAsync(office);

        await ExpectProblem(HttpStatusCode.Forbidden, "not_owner", stranger.Client.PostAsJsonAsync(Path(confirmed.Vin), Body(date)));
        await ExpectProblem(HttpStatusCode.Forbidden, "not_owner", (await Api.OperatorAsync(office)).PostAsJsonAsync(Path(confirmed.Vin), Body(date)));
        await ExpectProblem(HttpStatusCode.Unauthorized, "unauthenticated", Api.Anonymous().PostAsJsonAsync(Path(confirmed.Vin), Body(date)));
        var wrongStage = await ExpectProblem(HttpStatusCode.Conflict, "wrong_stage", drawing.Client.PostAsJsonAsync(Path(drawingVin), Body(date)));
        Assert.Equal("drawing", wrongStage.GetProperty("stage").GetString());
        await ExpectProblem(HttpStatusCode.NotFound, "not_found", confirmed.Citizen.Client.PostAsJsonAsync(SelectionPath(confirmed.Vin, "appointment", "simulations"), Body(date)));
        Assert.Equal(0, await BookedAsync(Api, office, date));
    }

    [Fact]
    public async Task BadInputIsRefusedWithProblemDetailsAndChangesNothing()
    {
        var office = await OfficeAsync(Api);
        var confirmed = await Confirmed.WalkAsync(Api, office);
        var client = confirmed.Citizen.Client;
        var path = Path(confirmed.Vin);
        var date = Today.AddDays(2);
        var exchangeBy = DateOnly.Parse((await ViewAsync(confirmed.Citizen, confirmed.Vin)).GetProperty("selected").GetProperty("exchangeBy").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var before = await Api.SnapshotAsync(confirmed.Citizen, confirmed.Vin);

        await ExpectInvalid("locationId", client.SendAsync(Raw(HttpMethod.Post, path, "{\"locationId\":")));
        await ExpectInvalid("body", client.SendAsync(Raw(HttpMethod.Post, path, "")));
        await ExpectInvalid("date", client.SendAsync(Raw(HttpMethod.Post, path, $"{{\"locationId\":\"main\",\"date\":20261201,\"slot\":\"{Morning}\"}}")));
        await ExpectInvalid("locationId", client.SendAsync(Raw(HttpMethod.Post, path, $"{{\"locationId\":7,\"date\":\"{Text(date)}\",\"slot\":\"{Morning}\"}}")));
        await ExpectInvalid("slot", client.SendAsync(Raw(HttpMethod.Post, path, $"{{\"locationId\":\"main\",\"date\":\"{Text(date)}\",\"slot\":[\"{Morning}\"]}}")));
        await ExpectInvalid("locationId", client.PostAsJsonAsync(path, new { date = Text(date), slot = Morning }));
        await ExpectInvalid("date", client.PostAsJsonAsync(path, new { locationId = "main", slot = Morning }));
        await ExpectInvalid("date", client.PostAsJsonAsync(path, new { locationId = "main", date = "2026-13-01", slot = Morning }));
        await ExpectInvalid("date", client.PostAsJsonAsync(path, new { locationId = "main", date = date.ToString("yyyy/MM/dd", System.Globalization.CultureInfo.InvariantCulture), slot = Morning }));
        await ExpectInvalid("date", client.PostAsJsonAsync(path, Body(Today.AddDays(-1))));
        await ExpectInvalid("date", client.PostAsJsonAsync(path, Body(exchangeBy.AddDays(1))));
        await ExpectInvalid("slot", client.PostAsJsonAsync(path, new { locationId = "main", date = Text(date), slot = "9-10" }));
        await ExpectInvalid("slot", client.PostAsJsonAsync(path, Body(date, "10:00-11:00")));
        await ExpectInvalid("locationId", client.PostAsJsonAsync(path, Body(date, locationId: "elsewhere")));
        await ExpectInvalid("vin", client.PostAsJsonAsync(Path("NOT-A-VIN"), Body(date)));
        await ExpectInvalid("Idempotency-Key", client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(Body(date)),
            Headers = { { "Idempotency-Key", new string('k', 200) } },
        }));
        var wrongMedia = await client.SendAsync(Raw(HttpMethod.Post, path, "locationId=main", "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongMedia.StatusCode);

        var slots = $"/api/v1/offices/{office}/appointment-slots";
        foreach (var query in new[] { "", "?date=", "?date=tomorrow", $"?date={Today.AddDays(-1):yyyy-MM-dd}", $"?date={Today.AddDays(400):yyyy-MM-dd}",
            "?date=2026-02-30", $"?date={Text(date)}&date={Text(date)}", $"?date={Text(date)}T00:00:00" })
        {
            await ExpectInvalid("date", Api.Anonymous().GetAsync(slots + query));
        }

        await ExpectProblem(HttpStatusCode.NotFound, "not_found", Api.Anonymous().GetAsync($"/api/v1/offices/139999/appointment-slots?date={Text(date)}"));
        Assert.Equal(before, await Api.SnapshotAsync(confirmed.Citizen, confirmed.Vin));
        Assert.Equal(0, await BookedAsync(Api, office, date));
    }
}

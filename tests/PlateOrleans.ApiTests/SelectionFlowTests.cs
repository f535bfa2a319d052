namespace PlateOrleans.ApiTests;

[Collection(ApiCollection.Name)]
public sealed class SelectionFlowTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    [Fact]
    public async Task ACitizenWalksTheFormalSelectionFromEntryToTheDonePage()
    {
        var office = await Api.CreateOfficeAsync();
        var citizen = await Api.RegisterAsync(office);
        var vin = await Api.ImportVehicleAsync(office, citizen);
        var client = citizen.Client;
        var path = $"/api/v1/selections/{vin}";

        var vehicles = await Expect(HttpStatusCode.OK, client.GetAsync("/api/v1/me/vehicles"));
        Assert.Equal(vin, vehicles[0].GetProperty("vin").GetString());
        Assert.True(vehicles[0].GetProperty("eligible").GetBoolean());
        Assert.Equal(JsonValueKind.Null, vehicles[0].GetProperty("stage").ValueKind);

        var entered = await Expect(HttpStatusCode.OK, client.PostAsync(path, null));
        Assert.Equal("confirmInfo", entered.GetProperty("stage").GetString());
        Assert.Equal(vin, entered.GetProperty("vin").GetString());
        Assert.Equal(office, entered.GetProperty("officeCode").GetString());
        Assert.False(entered.GetProperty("simulation").GetBoolean());
        Assert.Equal(5, entered.GetProperty("drawsAllowed").GetInt32());
        Assert.Equal(5, entered.GetProperty("remainingDraws").GetInt32());
        Assert.Equal(JsonValueKind.Null, entered.GetProperty("batch").ValueKind);
        Assert.Equal(JsonValueKind.Null, entered.GetProperty("backups").ValueKind);
        Assert.Equal(JsonValueKind.Null, entered.GetProperty("selected").ValueKind);
        Assert.EndsWith("Z", entered.GetProperty("serverTime").GetString());

        var notice = await Expect(HttpStatusCode.OK, Api.Anonymous().GetAsync($"/api/v1/offices/{office}/notice"));
        var info = await Expect(HttpStatusCode.OK, client.PostAsJsonAsync($"{path}/info-confirmation", new { noticeVersion = notice.GetProperty("version").GetString() }));
        Assert.Equal("serviceInfo", info.GetProperty("stage").GetString());
        Assert.Equal("verifyIdentity", (await Expect(HttpStatusCode.OK, client.PostAsync($"{path}/start", null))).GetProperty("stage").GetString());

        var sms = await Expect(HttpStatusCode.Accepted, client.PostAsync($"{path}/sms-code", null));
        Assert.Equal($"{citizen.Phone[..3]}****{citizen.Phone[7..]}", sms.GetProperty("sentTo").GetString());
        foreach (var field in new[] { "resendAfter", "confirmEnabledAt", "expiresAt", "serverTime" })
        {
            Assert.EndsWith("Z", sms.GetProperty(field).GetString());
        }

        var code = await Api.LatestCodeAsync(citizen.Phone);
        Assert.Equal("drawing", (await Expect(HttpStatusCode.OK, client.PostAsJsonAsync($"{path}/verification", new { code }))).GetProperty("stage").GetString());

        var drawn = await Expect(HttpStatusCode.Created, client.PostAsJsonAsync($"{path}/draws", new { excludeFour = true }));
        Assert.Equal(4, drawn.GetProperty("remainingDraws").GetInt32());
        var batch = drawn.GetProperty("batch");
        Assert.Equal(1, batch.GetProperty("number").GetInt32());
        Assert.True(batch.GetProperty("excludeFour").GetBoolean());
        Assert.False(batch.GetProperty("backupTaken").GetBoolean());
        var plates = batch.GetProperty("plates").EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.Equal(10, plates.Distinct().Count());
        Assert.All(plates, p => Assert.Matches("^冀AD0[0-35-9]{4}$", p));

        var backedUp = await Expect(HttpStatusCode.OK, client.PostAsJsonAsync($"{path}/backups", new { plate = plates[6] }));
        Assert.Equal(plates[6], backedUp.GetProperty("backups").GetProperty("plates")[0].GetString());
        Assert.True(backedUp.GetProperty("batch").GetProperty("backupTaken").GetBoolean());

        var done = await Expect(HttpStatusCode.OK, client.PostAsJsonAsync($"{path}/confirmation", new { plate = plates[6] }));
        Assert.Equal("completed", done.GetProperty("stage").GetString());
        var selected = done.GetProperty("selected");
        Assert.Equal(plates[6], selected.GetProperty("plate").GetString());
        Assert.Equal("user", selected.GetProperty("by").GetString());
        Assert.Matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", selected.GetProperty("exchangeBy").GetString());
        Assert.False(string.IsNullOrEmpty(selected.GetProperty("voucherCode").GetString()));

        Assert.Equal("completed", (await Expect(HttpStatusCode.OK, client.GetAsync(path))).GetProperty("stage").GetString());
        Assert.Equal("completed", (await Expect(HttpStatusCode.OK, client.PostAsync(path, null))).GetProperty("stage").GetString());
        var pool = await Expect(HttpStatusCode.OK, Api.Anonymous().GetAsync($"/api/v1/offices/{office}/pool"));
        var smallD = pool.GetProperty("series")[0];
        Assert.Equal(1, smallD.GetProperty("reserved").GetInt32());
        Assert.Equal(9_999, smallD.GetProperty("available").GetInt32());
        var texts = await Api.Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/dev/sms?phone={citizen.Phone}");
        Assert.Contains(plates[6], texts[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task ASimulationWalksTheSameStepsAndLeavesTheRealPoolAlone()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        var path = $"/api/v1/simulations/{vin}";

        await Expect(HttpStatusCode.OK, citizen.Client.PostAsync(path, null));
        var notice = await Api.Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/offices/{citizen.OfficeCode}/notice");
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync($"{path}/info-confirmation", new { noticeVersion = notice.GetProperty("version").GetString() }));
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsync($"{path}/start", null));
        var sms = await Expect(HttpStatusCode.Accepted, citizen.Client.PostAsync($"{path}/sms-code", null));
        Assert.True(sms.GetProperty("simulated").GetBoolean());
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync($"{path}/verification", new { code = "246810" }));
        var drawn = await Expect(HttpStatusCode.Created, citizen.Client.PostAsJsonAsync($"{path}/draws", new { excludeFour = false }));
        Assert.True(drawn.GetProperty("simulation").GetBoolean());
        var plate = drawn.GetProperty("batch").GetProperty("plates")[0].GetString();
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync($"{path}/backups", new { plate }));
        var done = await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync($"{path}/confirmation", new { plate }));

        Assert.Equal("completed", done.GetProperty("stage").GetString());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("selected").GetProperty("voucherCode").ValueKind);
        Assert.Equal(JsonValueKind.Null, done.GetProperty("selected").GetProperty("exchangeBy").ValueKind);
        Assert.Empty(await Api.Anonymous().GetFromJsonAsync<JsonElement[]>($"/api/v1/dev/sms?phone={citizen.Phone}") ?? []);
        var pool = await Api.Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/offices/{citizen.OfficeCode}/pool");
        Assert.All(pool.GetProperty("series").EnumerateArray(), s => Assert.Equal(0, s.GetProperty("held").GetInt32() + s.GetProperty("reserved").GetInt32()));
        // The formal selection of the same vehicle has not begun.
        await ExpectProblem(HttpStatusCode.NotFound, "not_found", citizen.Client.GetAsync($"/api/v1/selections/{vin}"));
    }

    [Fact]
    public async Task TwoHundredApplicantsDrawingAtOnceNeverSeeTheSameNumber()
    {
        const int applicants = 200;
        // 2,600 numbers for 2,000 shown at once: a double hand-out would have room to happen.
        var office = await Api.CreateOfficeAsync(smallDBlocks: ["D00###", "D01###", "D020##", "D021##", "D022##", "D023##", "D024##", "D025##"]);
        var ready = await Task.WhenAll(Enumerable.Range(0, applicants).Select(async _ =>
        {
            var (citizen, vin) = await Api.ApplicantAsync(office);
            await Api.WalkToDrawingAsync(citizen, vin);
            return (citizen, vin);
        }));

        using var start = new SemaphoreSlim(0);
        var draws = ready.Select(async a =>
        {
            await start.WaitAsync();
            return await Expect(HttpStatusCode.Created, a.citizen.Client.PostAsJsonAsync($"/api/v1/selections/{a.vin}/draws", new { excludeFour = false }));
        }).ToList();
        start.Release(applicants);
        var views = await Task.WhenAll(draws);

        var shown = views.SelectMany(v => v.GetProperty("batch").GetProperty("plates").EnumerateArray().Select(p => p.GetString())).ToList();
        Assert.Equal(applicants * 10, shown.Count);
        Assert.Equal(shown.Count, shown.Distinct().Count());
        var pool = await Api.Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/offices/{office}/pool");
        Assert.Equal(applicants * 10, pool.GetProperty("series")[0].GetProperty("held").GetInt32());
    }

    [Fact]
    public async Task ARetriedRequestWithTheSameIdempotencyKeyGetsTheFirstAnswerAndCostsNothingMore()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.WalkToDrawingAsync(citizen, vin);

        HttpRequestMessage Draw(bool excludeFour) => new(HttpMethod.Post, $"/api/v1/selections/{vin}/draws")
        {
            Headers = { { "Idempotency-Key", "retry-7f3a" } },
            Content = JsonContent.Create(new { excludeFour }),
        };

        var first = await Expect(HttpStatusCode.Created, citizen.Client.SendAsync(Draw(false)));
        var retry = await Expect(HttpStatusCode.Created, citizen.Client.SendAsync(Draw(false)));
        await ExpectProblem(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused", citizen.Client.SendAsync(Draw(true)));

        Assert.Equal(first.GetProperty("batch").GetRawText(), retry.GetProperty("batch").GetRawText());
        Assert.Equal(first.GetProperty("serverTime").GetString(), retry.GetProperty("serverTime").GetString());
        var now = await Expect(HttpStatusCode.OK, citizen.Client.GetAsync($"/api/v1/selections/{vin}"));
        Assert.Equal(4, now.GetProperty("remainingDraws").GetInt32());
    }

    [Fact]
    public async Task TheLastBatchIsConfirmedByItselfWhenTheDrawsRunOut()
    {
        var office = await Api.CreateOfficeAsync(rules: new { smsConfirmDelaySeconds = 0, drawsPerVehicle = 1, batchSeconds = 1, backupSeconds = 1 });
        var (citizen, vin) = await Api.ApplicantAsync(office);
        await Api.WalkToDrawingAsync(citizen, vin);

        var drawn = await Expect(HttpStatusCode.Created, citizen.Client.PostAsJsonAsync($"/api/v1/selections/{vin}/draws", new { }));
        var first = drawn.GetProperty("batch").GetProperty("plates")[0].GetString();
        var entry = await ExpectProblem(HttpStatusCode.Conflict, "draws_exhausted", citizen.Client.PostAsync($"/api/v1/selections/{vin}", null));
        Assert.EndsWith("Z", entry.GetProperty("autoConfirmAt").GetString());

        // Nobody reads the selection: the pool's public counts show the reservation when it happens.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await Api.Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/offices/{office}/pool")).GetProperty("series")[0].GetProperty("reserved").GetInt32() == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no auto-confirm within 10 s");
            await Task.Delay(100);
        }

        var view = await Expect(HttpStatusCode.OK, citizen.Client.GetAsync($"/api/v1/selections/{vin}"));
        Assert.Equal("completed", view.GetProperty("stage").GetString());
        Assert.Equal(first, view.GetProperty("selected").GetProperty("plate").GetString());
        Assert.Equal("auto", view.GetProperty("selected").GetProperty("by").GetString());
    }
}

namespace PlateOrleans.ApiTests;

/// <summary>
/// Concurrent duplicates: the same request many times at once costs exactly what succeeded, one number goes to one
/// vehicle, and no number is ever shown to or confirmed by two applicants.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ConcurrencyTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    private const int Copies = 20;

    /// <summary>Sends <paramref name="count"/> requests made by <paramref name="request"/> at the same moment.</summary>
    private static async Task<(HttpStatusCode Status, JsonElement Body)[]> AtOnceAsync(int count, Func<int, Task<HttpResponseMessage>> request)
    {
        using var start = new SemaphoreSlim(0);
        var sent = Enumerable.Range(0, count).Select(async i =>
        {
            await start.WaitAsync();
            var response = await request(i);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
        }).ToList();
        start.Release(count);
        return await Task.WhenAll(sent);
    }

    private static string? Code(JsonElement problem) => problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("code", out var code) ? code.GetString() : null;

    [Fact]
    public async Task TwentyConcurrentDrawsSpendExactlyTheDrawsThatSucceeded()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.WalkToDrawingAsync(citizen, vin);

        var answers = await AtOnceAsync(Copies, _ => citizen.Client.PostAsJsonAsync(SelectionPath(vin, "draws"), new { excludeFour = false }));

        var drawn = answers.Where(a => a.Status == HttpStatusCode.Created).ToList();
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.Created), a => Assert.Equal((HttpStatusCode.Conflict, "draws_exhausted"), (a.Status, Code(a.Body))));
        Assert.Equal(5, drawn.Count);
        Assert.Equal([0, 1, 2, 3, 4], drawn.Select(d => d.Body.GetProperty("remainingDraws").GetInt32()).Order());
        Assert.Equal([1, 2, 3, 4, 5], drawn.Select(d => d.Body.GetProperty("batch").GetProperty("number").GetInt32()).Order());
        var view = await ViewAsync(citizen, vin);
        Assert.Equal(0, view.GetProperty("remainingDraws").GetInt32());
        Assert.Equal(5, view.GetProperty("batch").GetProperty("number").GetInt32());
        // Only the last batch is held: the earlier ones went back to the pool when they were replaced.
        Assert.Equal(10, (await Api.PoolAsync(citizen.OfficeCode)).GetProperty("series")[0].GetProperty("held").GetInt32());
    }

    [Fact]
    public async Task TwentyConcurrentRetriesOfOneDrawCostOneDraw()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.WalkToDrawingAsync(citizen, vin);

        var answers = await AtOnceAsync(Copies, _ => citizen.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, SelectionPath(vin, "draws"))
        {
            Headers = { { "Idempotency-Key", "draw-once" } },
            Content = JsonContent.Create(new { excludeFour = true }),
        }));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        Assert.Single(answers.Select(a => a.Body.GetProperty("batch").GetRawText()).Distinct());
        Assert.Equal(4, (await ViewAsync(citizen, vin)).GetProperty("remainingDraws").GetInt32());
        Assert.Equal(10, (await Api.PoolAsync(citizen.OfficeCode)).GetProperty("series")[0].GetProperty("held").GetInt32());
    }

    [Fact]
    public async Task TwentyConcurrentConfirmationsOfOneBackupMakeOneReservationAndAllHearIt()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.WalkToDrawingAsync(citizen, vin);
        var plates = await DrawAsync(citizen, vin);
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = plates[5] }));

        var answers = await AtOnceAsync(Copies, _ => citizen.Client.PostAsJsonAsync(SelectionPath(vin, "confirmation"), new { plate = plates[5] }));

        // Each copy after the first finds the number confirmed and hears the same selection, voucher and all.
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Single(answers.Select(a => a.Body.GetProperty("selected").GetRawText()).Distinct());
        var series = (await Api.PoolAsync(citizen.OfficeCode)).GetProperty("series")[0];
        Assert.Equal(1, series.GetProperty("reserved").GetInt32());
        Assert.Equal(0, series.GetProperty("held").GetInt32());
        Assert.Equal(plates[5], (await ViewAsync(citizen, vin)).GetProperty("selected").GetProperty("plate").GetString());
        var texts = await Api.Anonymous().GetFromJsonAsync<JsonElement[]>($"/api/v1/dev/sms?phone={citizen.Phone}") ?? [];
        Assert.Single(texts, t => t.GetProperty("text").GetString()!.Contains(plates[5], StringComparison.Ordinal));
    }

    [Fact]
    public async Task TwentyConcurrentRetriesOfOneConfirmationAllGetTheFirstAnswer()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.WalkToDrawingAsync(citizen, vin);
        var plates = await DrawAsync(citizen, vin);
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = plates[1] }));

        var answers = await AtOnceAsync(Copies, _ => citizen.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, SelectionPath(vin, "confirmation"))
        {
            Headers = { { "Idempotency-Key", "confirm-once" } },
            Content = JsonContent.Create(new { plate = plates[1] }),
        }));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Single(answers.Select(a => a.Body.GetProperty("selected").GetRawText()).Distinct());
        Assert.Equal(1, (await Api.PoolAsync(citizen.OfficeCode)).GetProperty("series")[0].GetProperty("reserved").GetInt32());
    }

    [Fact]
    public async Task TwentyConcurrentBackupsFromOneBatchKeepOne()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Api.WalkToDrawingAsync(citizen, vin);
        var plates = await DrawAsync(citizen, vin);

        var answers = await AtOnceAsync(Copies, i => citizen.Client.PostAsJsonAsync(SelectionPath(vin, "backups"), new { plate = plates[i % plates.Count] }));

        var kept = Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => Assert.Equal((HttpStatusCode.Conflict, "backup_already_taken"), (a.Status, Code(a.Body))));
        var backups = (await ViewAsync(citizen, vin)).GetProperty("backups").GetProperty("plates");
        Assert.Equal(1, backups.GetArrayLength());
        Assert.Equal(kept.Body.GetProperty("backups").GetProperty("plates")[0].GetString(), backups[0].GetString());
    }

    [Fact]
    public async Task TwentyConcurrentCodeRequestsSendOneCode()
    {
        var (citizen, vin) = await Api.ApplicantAsync();
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsync(SelectionPath(vin), null));
        var version = (await Api.Anonymous().GetFromJsonAsync<JsonElement>($"/api/v1/offices/{citizen.OfficeCode}/notice")).GetProperty("version").GetString();
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsJsonAsync(SelectionPath(vin, "info-confirmation"), new { noticeVersion = version }));
        await Expect(HttpStatusCode.OK, citizen.Client.PostAsync(SelectionPath(vin, "start"), null));

        var answers = await AtOnceAsync(Copies, _ => citizen.Client.PostAsync(SelectionPath(vin, "sms-code"), null));

        Assert.Single(answers, a => a.Status == HttpStatusCode.Accepted);
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.Accepted), a => Assert.Equal((HttpStatusCode.TooManyRequests, "sms_cooldown"), (a.Status, Code(a.Body))));
        Assert.Single(await Api.Anonymous().GetFromJsonAsync<JsonElement[]>($"/api/v1/dev/sms?phone={citizen.Phone}") ?? []);
    }

    [Fact]
    public async Task ApplicantsDrawingATooSmallPoolAtOnceShareItWithoutOverlapAndTheUnluckySpendNothing()
    {
        // 100 numbers for 15 applicants who want 10 each.
        var office = await Api.CreateOfficeAsync(smallDBlocks: ["D000##"]);
        var applicants = await Task.WhenAll(Enumerable.Range(0, 15).Select(async _ =>
        {
            var (citizen, vin) = await Api.ApplicantAsync(office);
            await Api.WalkToDrawingAsync(citizen, vin);
            return (citizen, vin);
        }));

        var answers = await AtOnceAsync(applicants.Length, i => applicants[i].citizen.Client.PostAsJsonAsync(SelectionPath(applicants[i].vin, "draws"), new { excludeFour = false }));

        var shown = answers.Where(a => a.Status == HttpStatusCode.Created).SelectMany(a => a.Body.GetProperty("batch").GetProperty("plates").EnumerateArray().Select(p => p.GetString())).ToList();
        Assert.Equal(100, shown.Count);
        Assert.Equal(100, shown.Distinct().Count());
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.Created), a => Assert.Equal((HttpStatusCode.Conflict, "pool_empty"), (a.Status, Code(a.Body))));
        for (var i = 0; i < applicants.Length; i++)
        {
            var remaining = (await ViewAsync(applicants[i].citizen, applicants[i].vin)).GetProperty("remainingDraws").GetInt32();
            Assert.Equal(answers[i].Status == HttpStatusCode.Created ? 4 : 5, remaining);
        }

        var series = (await Api.PoolAsync(office)).GetProperty("series")[0];
        Assert.Equal((0, 100), (series.GetProperty("available").GetInt32(), series.GetProperty("held").GetInt32()));
    }

    [Fact]
    public async Task TwoApplicantsCanNeverConfirmTheSameNumber()
    {
        // Ten numbers: the first applicant's draw holds all of them.
        var office = await Api.CreateOfficeAsync(smallDBlocks: ["D0000#"]);
        var (first, firstVin) = await Api.ApplicantAsync(office);
        var (second, secondVin) = await Api.ApplicantAsync(office);
        await Api.WalkToDrawingAsync(first, firstVin);
        await Api.WalkToDrawingAsync(second, secondVin);
        var plates = await DrawAsync(first, firstVin);
        Assert.Equal(10, plates.Count);

        // While the first holds every number, the second is shown none and spends nothing.
        var before = await Api.SnapshotAsync(second, secondVin);
        await ExpectProblem(HttpStatusCode.Conflict, "pool_empty", second.Client.PostAsJsonAsync(SelectionPath(secondVin, "draws"), new { excludeFour = false }));
        Assert.Equal(before, await Api.SnapshotAsync(second, secondVin));

        var taken = plates[7];
        await Expect(HttpStatusCode.OK, first.Client.PostAsJsonAsync(SelectionPath(firstVin, "backups"), new { plate = taken }));
        await Expect(HttpStatusCode.OK, first.Client.PostAsJsonAsync(SelectionPath(firstVin, "confirmation"), new { plate = taken }));

        // The rest went back to the pool; the confirmed number did not.
        var rest = await DrawAsync(second, secondVin);
        Assert.Equal(9, rest.Count);
        Assert.DoesNotContain(taken, rest);
        var afterDraw = await Api.SnapshotAsync(second, secondVin);
        await ExpectProblem(HttpStatusCode.Conflict, "plate_not_in_batch", second.Client.PostAsJsonAsync(SelectionPath(secondVin, "backups"), new { plate = taken }));
        await ExpectProblem(HttpStatusCode.Conflict, "plate_not_in_backups", second.Client.PostAsJsonAsync(SelectionPath(secondVin, "confirmation"), new { plate = taken }));
        Assert.Equal(afterDraw, await Api.SnapshotAsync(second, secondVin));

        // The second confirms a number of its own; the two reservations are different numbers.
        await Expect(HttpStatusCode.OK, second.Client.PostAsJsonAsync(SelectionPath(secondVin, "backups"), new { plate = rest[0] }));
        await Expect(HttpStatusCode.OK, second.Client.PostAsJsonAsync(SelectionPath(secondVin, "confirmation"), new { plate = rest[0] }));
        var series = (await Api.PoolAsync(office)).GetProperty("series")[0];
        Assert.Equal((8, 0, 2), (series.GetProperty("available").GetInt32(), series.GetProperty("held").GetInt32(), series.GetProperty("reserved").GetInt32()));
        Assert.Equal(taken, (await ViewAsync(first, firstVin)).GetProperty("selected").GetProperty("plate").GetString());
        Assert.Equal(rest[0], (await ViewAsync(second, secondVin)).GetProperty("selected").GetProperty("plate").GetString());
    }
}

using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using static PlateOrleans.ApiTests.Appointments;

namespace PlateOrleans.ApiTests;

/// <summary>The pre-selection voucher (预选号凭证): JSON or a printable page, for the owner and the office's operators only.</summary>
[Collection(ApiCollection.Name)]
public sealed partial class VoucherTests(ApiFactory factory) : ApiTest<ApiFactory>(factory)
{
    private static string Voucher(string vin, string flow = "selections") => SelectionPath(vin, "voucher", flow);

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string? accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return client.SendAsync(request);
    }

    [Fact]
    public async Task AsJsonTheVoucherHasTheFactsOfTheSelectionAndItsAppointment()
    {
        var office = await OfficeAsync(Api);
        var confirmed = await Confirmed.WalkAsync(Api, office);
        var selected = (await ViewAsync(confirmed.Citizen, confirmed.Vin)).GetProperty("selected");

        var voucher = await Expect(HttpStatusCode.OK, GetAsync(confirmed.Citizen.Client, Voucher(confirmed.Vin), "application/json"));

        Assert.Equal(
            (confirmed.Vin, office, $"测试车管所{office}", "冀A12345", confirmed.Plate, "user", confirmed.Voucher, "completed"),
            (voucher.GetProperty("vin").GetString(), voucher.GetProperty("officeCode").GetString(), voucher.GetProperty("officeName").GetString(),
                voucher.GetProperty("currentPlate").GetString(), voucher.GetProperty("plate").GetString(), voucher.GetProperty("by").GetString(),
                voucher.GetProperty("voucherCode").GetString(), voucher.GetProperty("stage").GetString()));
        Assert.Equal(selected.GetProperty("exchangeBy").GetString(), voucher.GetProperty("exchangeBy").GetString());
        Assert.Equal(selected.GetProperty("confirmedAt").GetString(), voucher.GetProperty("confirmedAt").GetString());
        Assert.Equal(JsonValueKind.Null, voucher.GetProperty("appointment").ValueKind);
        // The QR code as an image a page shows (the web pages do), decoding to the voucher code.
        var qr = voucher.GetProperty("qrCode").GetString()!;
        Assert.StartsWith("data:image/png;base64,", qr, StringComparison.Ordinal);
        Assert.Equal(confirmed.Voucher, QrCodes.Decode(Convert.FromBase64String(qr["data:image/png;base64,".Length..])));

        var date = Today(DateTimeOffset.UtcNow).AddDays(2);
        var booking = await Expect(HttpStatusCode.Created, confirmed.Citizen.Client.PostAsJsonAsync(Path(confirmed.Vin), Body(date)));
        var again = await Expect(HttpStatusCode.OK, GetAsync(confirmed.Citizen.Client, Voucher(confirmed.Vin), "application/json"));
        Assert.Equal(booking.GetRawText(), again.GetProperty("appointment").GetRawText());
    }

    [Fact]
    public async Task ThePageIsPrintableChineseHtmlNamingThePlateAndTheDeadlineWithEverythingEncodedAndNothingLoaded()
    {
        var office = await OfficeAsync(Api, locationName: "<b>长安</b> & \"分所\"");
        var confirmed = await Confirmed.WalkAsync(Api, office);
        var exchangeBy = (await ViewAsync(confirmed.Citizen, confirmed.Vin)).GetProperty("selected").GetProperty("exchangeBy").GetString()!;
        var noAppointment = await (await GetAsync(confirmed.Citizen.Client, Voucher(confirmed.Vin), null)).Content.ReadAsStringAsync();
        Assert.Contains("尚未预约", noAppointment, StringComparison.Ordinal);
        var date = Today(DateTimeOffset.UtcNow).AddDays(2);
        await Expect(HttpStatusCode.Created, confirmed.Citizen.Client.PostAsJsonAsync(Path(confirmed.Vin), Body(date)));

        // As a browser asks.
        var response = await GetAsync(confirmed.Citizen.Client, Voucher(confirmed.Vin), "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Contains("<html lang=\"zh-CN\">", page, StringComparison.Ordinal);
        Assert.Contains("预选号凭证", page, StringComparison.Ordinal);
        Assert.Contains($"<div class=\"plate\">{confirmed.Plate}</div>", page, StringComparison.Ordinal);
        Assert.Contains($"{exchangeBy}（含当日）前", page, StringComparison.Ordinal);
        Assert.Contains(confirmed.Vin, page, StringComparison.Ordinal);
        Assert.Contains("冀A12345", page, StringComparison.Ordinal);
        Assert.Contains("本人确认", page, StringComparison.Ordinal);
        Assert.Contains(confirmed.Voucher, page, StringComparison.Ordinal);
        Assert.Contains($"{Text(date)} {Morning}", page, StringComparison.Ordinal);
        Assert.Contains("@media print", page, StringComparison.Ordinal);
        // The location's name is shown as text, never as markup.
        Assert.Contains("&lt;b&gt;长安&lt;/b&gt; &amp; &quot;分所&quot;", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>长安", page, StringComparison.Ordinal);
        // Nothing comes from elsewhere: no external source, link or script.
        Assert.DoesNotMatch("(src|href)=\"(?!data:)", page);
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", page, StringComparison.OrdinalIgnoreCase);

        // Without Accept, and with */*: the page too.
        Assert.Equal("text/html", (await GetAsync(confirmed.Citizen.Client, Voucher(confirmed.Vin), null)).Content.Headers.ContentType?.MediaType);
        Assert.Equal("text/html", (await GetAsync(confirmed.Citizen.Client, Voucher(confirmed.Vin), "*/*")).Content.Headers.ContentType?.MediaType);
        Assert.Equal("application/json", (await GetAsync(confirmed.Citizen.Client, Voucher(confirmed.Vin), "text/html;q=0.5, application/json")).Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TheQrCodeOfThePageDecodesToTheVoucherCode()
    {
        var confirmed = await Confirmed.WalkAsync(Api);
        var page = await (await GetAsync(confirmed.Citizen.Client, Voucher(confirmed.Vin), "text/html")).Content.ReadAsStringAsync();

        var png = Convert.FromBase64String(QrImage().Match(page).Groups[1].Value);

        Assert.Equal(confirmed.Voucher, QrCodes.Decode(png));
    }

    [GeneratedRegex("<img [^>]*src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")]
    private static partial Regex QrImage();

    [Fact]
    public async Task TheOwnerAndTheOfficesOperatorsReadItAndAnOperatorOfAnotherOfficeIsForbidden()
    {
        var confirmed = await Confirmed.WalkAsync(Api);
        var path = Voucher(confirmed.Vin);

        await Expect(HttpStatusCode.OK, GetAsync(await Api.OperatorAsync(confirmed.Office), path, "application/json"));
        await Expect(HttpStatusCode.OK, GetAsync(await Api.AdminAsync(), path, "application/json"));
        await ExpectProblem(HttpStatusCode.Forbidden, "forbidden", GetAsync(await Api.OperatorAsync(await Api.CreateOfficeAsync()), path, "text/html"));
        await ExpectProblem(HttpStatusCode.Forbidden, "not_owner", GetAsync((await Api.RegisterAsync(confirmed.Office)).Client, path, "application/json"));
        await ExpectProblem(HttpStatusCode.Unauthorized, "unauthenticated", GetAsync(Api.Anonymous(), path, "text/html"));
    }

    [Fact]
    public async Task OnlyACompletedOrExchangedFormalSelectionHasAVoucher()
    {
        var confirmed = await Confirmed.WalkAsync(Api);
        var (drawing, drawingVin) = await Api.ApplicantAsync(confirmed.Office);
        await Api.WalkToDrawingAsync(drawing, drawingVin);
        var (practising, practiceVin) = await Api.ApplicantAsync(confirmed.Office);
        await Api.WalkToDrawingAsync(practising, practiceVin, "simulations");

        Assert.Equal("drawing", (await ExpectProblem(HttpStatusCode.Conflict, "wrong_stage", GetAsync(drawing.Client, Voucher(drawingVin), "application/json"))).GetProperty("stage").GetString());
        await ExpectProblem(HttpStatusCode.NotFound, "not_found", GetAsync(practising.Client, Voucher(practiceVin), "application/json"));
        await ExpectProblem(HttpStatusCode.NotFound, "not_found", GetAsync(practising.Client, Voucher(practiceVin, "simulations"), "application/json"));
        await ExpectInvalid("vin", GetAsync(drawing.Client, Voucher("NOT-A-VIN"), "application/json"));

        await Expect(HttpStatusCode.OK, (await Api.AdminAsync()).PostAsJsonAsync($"/api/v1/admin/offices/{confirmed.Office}/exchanges", new { plate = confirmed.Plate }));
        var exchanged = await Expect(HttpStatusCode.OK, GetAsync(confirmed.Citizen.Client, Voucher(confirmed.Vin), "application/json"));
        Assert.Equal("exchanged", exchanged.GetProperty("stage").GetString());
        Assert.Equal(JsonValueKind.String, exchanged.GetProperty("exchangedAt").ValueKind);
        Assert.Contains("已于", await (await GetAsync(confirmed.Citizen.Client, Voucher(confirmed.Vin), "text/html")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

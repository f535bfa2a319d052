using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using PlateOrleans.Api.Auth;
using PlateOrleans.Api.Http;
using PlateOrleans.Contracts;
using Problem = PlateOrleans.Api.Http.Problems.ProblemResult;

namespace PlateOrleans.Api.Selections;

/// <summary>
/// The pre-selection voucher (预选号凭证): what the applicant brings to the window. <paramref name="By"/> says whether
/// the applicant confirmed the number or the system did at the end of the countdowns; <paramref name="ExchangeBy"/> is
/// the last day (office calendar) to exchange the plate; <paramref name="VoucherCode"/> is what the window looks the
/// number up by; <paramref name="QrCode"/> is its QR code as a PNG data URI, for a page to show as an image.
/// </summary>
public sealed record VoucherView(
    string Vin,
    string OfficeCode,
    string OfficeName,
    string? CurrentPlate,
    string Plate,
    DateTimeOffset ConfirmedAt,
    ConfirmedBy By,
    DateOnly ExchangeBy,
    string VoucherCode,
    AppointmentView? Appointment,
    SelectionStage Stage,
    DateTimeOffset? ExchangedAt,
    DateTimeOffset ServerTime,
    string QrCode);

/// <summary>
/// <c>GET /api/v1/selections/{vin}/voucher</c>: for the owner, or an operator of the vehicle's office, of a completed or
/// exchanged formal selection. JSON when the client prefers <c>application/json</c>; otherwise (a browser, or no
/// <c>Accept</c>) the printable page of <see cref="VoucherPage"/>.
/// </summary>
public static class VoucherEndpoints
{
    public static async Task<Results<Ok<VoucherView>, ContentHttpResult, Problem>> GetVoucherAsync(
        HttpContext http, IGrainFactory grains, TimeProvider time, string vin)
    {
        if (SelectionEndpoints.CheckVin(vin) is { } badVin)
        {
            return badVin;
        }

        var caller = http.User.ToCaller();
        var reply = await grains.Get<ISelectionSessionGrain>(vin).ReadAsync(caller);
        if (reply.Error is { } error)
        {
            return Problems.Result(error);
        }

        var view = reply.View!;
        if (view.Stage is not (SelectionStage.Completed or SelectionStage.Exchanged)
            || view.Selected is not { ExchangeBy: { } exchangeBy, VoucherCode: { } code } selected)
        {
            return Problems.Result(PlateError.WrongStage(view.Stage, "只有已完成预选（或已换牌）的号牌才有预选号凭证。"));
        }

        var office = grains.Get<IOfficeGrain>(view.OfficeCode).GetAsync();
        var vehicle = grains.Get<IVehicleGrain>(vin).GetAsync();
        var voucher = new VoucherView(
            vin,
            view.OfficeCode,
            (await office)?.Settings.Name ?? view.OfficeCode,
            (await vehicle)?.CurrentPlate,
            selected.Plate,
            selected.ConfirmedAt,
            selected.By,
            exchangeBy,
            code,
            selected.Appointment,
            view.Stage,
            selected.ExchangedAt,
            time.GetUtcNow(),
            VoucherPage.QrDataUri(code));

        // Personal data: no cache keeps it; and the answer differs by Accept.
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Vary = HeaderNames.Accept;
        if (PrefersJson(http.Request))
        {
            return TypedResults.Ok(voucher);
        }

        // The page loads nothing from anywhere: its style and its QR code (a data URI) are inside it.
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";
        return TypedResults.Content(VoucherPage.Render(voucher), "text/html; charset=utf-8", Encoding.UTF8);
    }

    /// <summary>
    /// Whether the client's most wanted type, of the two served, is JSON. No <c>Accept</c>, <c>*/*</c> or a browser's
    /// list (text/html first) get the page.
    /// </summary>
    internal static bool PrefersJson(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted))
        {
            return false;
        }

        var best = accepted
            .Select((type, order) => (Type: type, Order: order))
            .Where(a => a.Type.Quality is not 0 && (IsJson(a.Type) || IsHtml(a.Type)))
            .OrderByDescending(a => a.Type.Quality ?? 1)
            .ThenBy(a => a.Order)
            .Select(a => a.Type)
            .FirstOrDefault();
        return best is not null && IsJson(best);
    }

    private static bool IsJson(MediaTypeHeaderValue type) =>
        type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        || type.MediaType.Equals("application/problem+json", StringComparison.OrdinalIgnoreCase);

    private static bool IsHtml(MediaTypeHeaderValue type) =>
        type.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)
        || type.MediaType.Equals("application/xhtml+xml", StringComparison.OrdinalIgnoreCase)
        || type.MediaType.Equals("text/*", StringComparison.OrdinalIgnoreCase)
        || type.MediaType.Equals("*/*", StringComparison.OrdinalIgnoreCase);
}

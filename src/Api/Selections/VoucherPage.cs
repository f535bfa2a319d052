using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using PlateOrleans.Contracts;
using QRCoder;

namespace PlateOrleans.Api.Selections;

/// <summary>
/// The printable voucher (预选号凭证) as one self-contained Chinese HTML page: every fact HTML-encoded, the QR code of
/// the voucher code as a PNG data URI (QRCoder), and a print stylesheet; nothing is loaded from elsewhere.
/// </summary>
public static class VoucherPage
{
    /// <summary>Encodes markup characters and leaves Chinese readable in the source.</summary>
    private static readonly HtmlEncoder _html = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Render(VoucherView voucher)
    {
        var page = new StringBuilder(8 * 1024);
        page.Append("""
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            """).Append("<title>预选号凭证 ").Append(E(voucher.Plate)).Append("</title>\n").Append("""
            <style>
              body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; color: #111; margin: 2em auto; max-width: 42em; }
              h1 { font-size: 1.6em; text-align: center; margin-bottom: .2em; }
              .office { text-align: center; margin-top: 0; color: #333; }
              .plate { font-size: 2.6em; font-weight: bold; letter-spacing: .12em; text-align: center; border: 3px solid #0a7d3b; color: #0a7d3b; padding: .2em; margin: .6em auto; width: 8em; }
              table { border-collapse: collapse; width: 100%; }
              th, td { border: 1px solid #999; padding: .45em .7em; text-align: left; vertical-align: top; }
              th { width: 9em; background: #f2f2f2; font-weight: normal; }
              .code { display: flex; align-items: center; gap: 1.5em; margin-top: 1.2em; }
              .code img { width: 9.5em; height: 9.5em; image-rendering: pixelated; }
              .code strong { font-family: monospace; font-size: 1.5em; letter-spacing: .15em; }
              .notes { font-size: .9em; color: #333; }
              .actions { text-align: center; margin-top: 1.5em; }
              @media print {
                @page { size: A4 portrait; margin: 18mm; }
                body { margin: 0; max-width: none; }
                .actions { display: none; }
                th { background: none; }
                .plate { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
              }
            </style>
            </head>
            <body>
            <h1>机动车号牌预选号凭证</h1>

            """);
        page.Append("<p class=\"office\">").Append(E(voucher.OfficeName)).Append("（").Append(E(voucher.OfficeCode)).Append("）</p>\n");
        page.Append("<div class=\"plate\">").Append(E(voucher.Plate)).Append("</div>\n<table>\n");
        Row(page, "车辆识别代号", voucher.Vin);
        Row(page, "原号牌号码", voucher.CurrentPlate ?? "—");
        Row(page, "预选号牌号码", voucher.Plate);
        Row(page, "确认时间", LocalTime(voucher.ConfirmedAt));
        Row(page, "确认方式", voucher.By == ConfirmedBy.User ? "本人确认" : "系统自动确认（随机选号次数用完后）");
        Row(page, "换牌期限", $"{Date(voucher.ExchangeBy)}（含当日）前到车管所办理换牌，逾期号牌将退回号池");
        Row(page, "预约换牌", voucher.Appointment is { } a ? $"{Date(a.Date)} {a.Slot}　{a.LocationName}" : "尚未预约换牌时间和地点");
        if (voucher.Stage == SelectionStage.Exchanged)
        {
            Row(page, "换牌状态", voucher.ExchangedAt is { } at ? $"已于 {LocalTime(at)} 换牌" : "已换牌");
        }

        page.Append("</table>\n<div class=\"code\">\n<img alt=\"凭证号二维码\" src=\"")
            .Append(voucher.QrCode)
            .Append("\">\n<div>凭证号<br><strong>").Append(E(voucher.VoucherCode)).Append("</strong></div>\n</div>\n");
        page.Append("""
            <div class="notes">
            <p>办理换牌时请携带本人有效身份证明、机动车行驶证和本凭证（打印件或手机出示），窗口工作人员扫描二维码或输入凭证号核对。</p>
            <p>打印时间：
            """.TrimEnd('\n')).Append(E(LocalTime(voucher.ServerTime))).Append("""
            （北京时间）</p>
            </div>
            <p class="actions">请使用浏览器的“打印”功能打印本凭证。</p>
            </body>
            </html>

            """);
        return page.ToString();
    }

    /// <summary>The QR code of the voucher code as a PNG data URI.</summary>
    public static string QrDataUri(string text) => "data:image/png;base64," + Convert.ToBase64String(QrPng(text));

    /// <summary>The QR code of the voucher code, as PNG bytes; medium error correction survives a creased printout.</summary>
    public static byte[] QrPng(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(8);
    }

    private static void Row(StringBuilder page, string label, string value) =>
        page.Append("<tr><th>").Append(E(label)).Append("</th><td>").Append(E(value)).Append("</td></tr>\n");

    private static string E(string text) => _html.Encode(text);

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string LocalTime(DateTimeOffset moment) =>
        moment.ToOffset(OfficeCalendar.LocalOffset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}

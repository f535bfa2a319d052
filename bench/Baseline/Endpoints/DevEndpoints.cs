using Npgsql;
using PlateOrleans.Baseline.Data;
using PlateOrleans.Baseline.Domain;
using PlateOrleans.Baseline.Http;
using static PlateOrleans.Baseline.Data.Database;

namespace PlateOrleans.Baseline.Endpoints;

/// <summary>The development SMS outbox (the product's <c>GET /api/v1/dev/sms</c>): the messages sent to a phone, newest first, the last 50.</summary>
public static class DevEndpoints
{
    public static IEndpointRouteBuilder MapDevOutbox(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/dev/sms", ListMessages).AllowAnonymous();
        return app;
    }

    private static async Task<Reply> ListMessages(string? phone, NpgsqlDataSource db)
    {
        if (phone is not { Length: 11 } || !phone.All(char.IsAsciiDigit))
        {
            return FieldErrors.One("phone", "手机号码为 11 位数字。");
        }

        await using var command = db.CreateCommand("SELECT phone, text, sent_at FROM sms_outbox WHERE phone = $1 ORDER BY id DESC LIMIT 50");
        command.Parameters.Add(P(phone));
        var messages = new List<SmsMessage>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            messages.Add(new SmsMessage(reader.GetString(0), reader.GetString(1), reader.GetDateTime(2)));
        }

        return Reply.Of(200, messages, BaselineJson.Wire.ListSmsMessage);
    }
}

using PlateOrleans.Api.Auth;

namespace PlateOrleans.Api.Admin;

/// <summary>
/// The operators' API under <c>/api/v1/admin</c>: one route group, staff only (admins and office operators; some
/// endpoints narrow it to admins), that each area maps its endpoints onto.
/// </summary>
public static class OperatorEndpoints
{
    public static IEndpointRouteBuilder MapOperators(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin").WithTags("Operators").RequireAuthorization(AuthSetup.StaffPolicy);
        admin.MapAdmin().MapUsers().MapLedger().MapWindow();
        return app;
    }
}

using Microsoft.Extensions.DependencyInjection.Extensions;
using PlateOrleans.Api.Accounts;
using PlateOrleans.Api.Admin;
using PlateOrleans.Api.Auth;
using PlateOrleans.Api.Demo;
using PlateOrleans.Api.Hosting;
using PlateOrleans.Api.Http;
using PlateOrleans.Api.Offices;
using PlateOrleans.Api.Operations;
using PlateOrleans.Api.Selections;
using PlateOrleans.Silo.Operations;
using PlateOrleans.Api.Web;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 4 * 1024 * 1024);
builder.Services.TryAddSingleton(TimeProvider.System);
builder.AddPlateOrleans();
builder.Services.AddPlateProblems();
builder.Services.AddPlateAuth(builder.Configuration);
builder.Services.AddPlateForwardedHeaders(builder.Configuration);
builder.Services.AddPlateRateLimiting(builder.Configuration);
builder.Services.AddPlateCors(builder.Configuration);
builder.Services.AddPlateOpenApi();
builder.Services.AddPlateMetrics();
builder.Services.AddStorageProbe(builder.Configuration);
builder.AddPlateStartupChecks();
builder.Services.AddSingleton<OperatorAudit>();
builder.Services.AddHostedService<StartupSeeder>();

var app = builder.Build();
app.UseForwardedHeaders();
app.UsePlateCors(app.Configuration);
app.UsePlateProblems();
app.UsePlatePages();
app.UseAuthentication();
app.UseUserWriteLimit();
app.UseRateLimiter();
app.UseAuthorization();

app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous().DisableRateLimiting();
app.MapScalarApiReference("/docs", o => o.WithTitle("PlateOrleans API").WithOpenApiRoutePattern("/openapi/{documentName}.json"))
    .AllowAnonymous().DisableRateLimiting();
app.MapHealth();
app.MapMonitoring();
app.MapAccounts();
app.MapOffices();
app.MapSelections();
app.MapOperators();
app.MapDevOutbox(app.Configuration, app.Environment);

app.Run();

/// <summary>The API's entry point, public for <c>WebApplicationFactory</c>.</summary>
public partial class Program;

using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Cal.WebApi.Envelopes;

/// <summary>
/// A success envelope written from bytes serialized once per answer object: for answers served from a read model, the
/// same object is returned until a write replaces it, so its JSON is made once (with MVC's own options, the same bytes
/// the formatter would write) and kept as long as the object lives.
/// </summary>
public static class CachedResponseJson
{
    public static IActionResult Ok<T>(HttpContext context, T data)
        where T : class
    {
        var bytes = Cache<T>.Table.GetValue(
            data,
            d =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.JsonSerializerOptions;
                return JsonSerializer.SerializeToUtf8Bytes(new SuccessEnvelope<T>(d), options);
            }
        );
        return new BytesResult(bytes);
    }

    /// <summary>A 200 with those bytes as JSON and their length, written straight into the response's pipe.</summary>
    private sealed class BytesResult(byte[] bytes) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = bytes.Length;
            return response.BodyWriter.WriteAsync(bytes, context.HttpContext.RequestAborted).AsTask();
        }
    }

    private static class Cache<T>
        where T : class
    {
        public static readonly ConditionalWeakTable<T, byte[]> Table = new();
    }
}

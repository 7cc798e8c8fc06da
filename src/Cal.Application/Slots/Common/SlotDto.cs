using System.Text.Json.Serialization;

namespace Cal.Application.Slots.Common;

/// <summary>One slot: its start (and with <c>format=range</c> its end), in the request's zone with its offset.</summary>
public sealed record SlotDto(string Start, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? End = null);

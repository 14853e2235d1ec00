package io.calloutd.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.calloutd.engine.Field;
import io.calloutd.engine.MatchType;
import java.util.List;

/**
 * One condition. {@code value} is typed by the field at the filter's layer: an integer (decimal or 0x hex), a port,
 * a protocol name ("tcp", "udp", "icmp", "icmpv6", …), an address, or a CIDR prefix for address fields. A RANGE
 * is written as {@code range: [low, high]} (match defaults to RANGE then) or {@code value: "low-high"}.
 *
 * @param field field
 * @param match match type (default EQUAL, or RANGE when {@code range} is given)
 * @param value the value
 * @param range low and high of a RANGE
 */
public record ConditionDef(Field field, MatchType match, JsonNode value, List<JsonNode> range) { }

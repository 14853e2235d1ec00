package io.calloutd.mgmt;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The shared JSON mapper of the management API: strict on input (unknown fields are errors). */
public final class Json {
    /** Strict mapper. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);

    private Json() { }

    /** A new empty object node. */
    public static ObjectNode object() { return MAPPER.createObjectNode(); }
}

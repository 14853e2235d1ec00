package io.calloutd.config;

/**
 * A definition (sublayer, callout, filter, condition) is invalid at a JSON-pointer position inside its document.
 * Callers turn it into a {@link ConfigException} with a line number ({@link ConfigLocations}) or into an API error.
 */
public final class DefinitionException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String pointer;
    private final String reason;

    /**
     * @param pointer JSON pointer of the offending node ("/filters/1/conditions/0/value")
     * @param reason  what is wrong
     */
    public DefinitionException(String pointer, String reason) {
        super(ConfigLocations.fieldPath(pointer) + ": " + reason);
        this.pointer = pointer;
        this.reason = reason;
    }

    /** JSON pointer of the offending node. */
    public String pointer() { return pointer; }

    /** What is wrong. */
    public String reason() { return reason; }
}

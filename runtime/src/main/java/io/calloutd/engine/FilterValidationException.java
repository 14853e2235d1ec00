package io.calloutd.engine;

/** A filter-set change was rejected; nothing was applied. {@link #code()} names the rule that failed. */
public final class FilterValidationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    /** Creates the exception; {@code message} should name the object and condition at fault. */
    public FilterValidationException(ErrorCode code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    /** The error code. */
    public ErrorCode code() { return code; }
}

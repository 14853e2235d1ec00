package io.calloutd.mgmt;

/** A management call failed; nothing it asked for was applied. {@link #code()} is an {@code FWP_E_*}-style name. */
public final class MgmtException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String code;

    /** @param code error code name  @param message what failed and why */
    public MgmtException(String code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    /** The error code name, e.g. {@code FWP_E_ACCESS_DENIED}. */
    public String code() { return code; }

    /** The message without the code prefix. */
    public String detail() { return getMessage().substring(code.length() + 2); }
}

package io.calloutd.config;

/**
 * A configuration or definition was rejected before anything was applied. The message names the source (file or
 * request), the line and column when known, and the field at fault, e.g.
 * {@code policy.yaml:12:9: filters[1].conditions[0].value: bad CIDR prefix length 33 (0..32)}.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final int column;
    private final String field;
    private final String reason;

    /**
     * @param source file name or "request"
     * @param line   1-based line, or 0 if unknown
     * @param column 1-based column, or 0 if unknown
     * @param field  dotted field path ("filters[1].layer"), or "" for the whole document
     * @param reason what is wrong
     */
    public ConfigException(String source, int line, int column, String field, String reason) {
        super(format(source, line, column, field, reason));
        this.source = source;
        this.line = line;
        this.column = column;
        this.field = field;
        this.reason = reason;
    }

    private static String format(String source, int line, int column, String field, String reason) {
        StringBuilder sb = new StringBuilder(source);
        if (line > 0) sb.append(':').append(line).append(':').append(column);
        sb.append(": ");
        if (!field.isEmpty()) sb.append(field).append(": ");
        return sb.append(reason).toString();
    }

    /** File name or "request". */
    public String source() { return source; }
    /** 1-based line, 0 if unknown. */
    public int line() { return line; }
    /** 1-based column, 0 if unknown. */
    public int column() { return column; }
    /** Dotted field path. */
    public String field() { return field; }
    /** The reason without the location prefix. */
    public String reason() { return reason; }
}

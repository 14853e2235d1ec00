package io.calloutd.daemon;

import java.util.Locale;

/** What routing does with steered traffic when the daemon dies without cleaning up (SIGKILL, crash). */
public enum FailMode {
    /** A lowest-priority blackhole stays in the steering tables: traffic stops, nothing bypasses the firewall. */
    CLOSED,
    /** The steering tables empty out with the TUNs: lookups fall through to main and traffic flows unfiltered. */
    OPEN;

    /** Parses {@code closed} or {@code open}, in any case (picocli converter). */
    static final class Converter implements picocli.CommandLine.ITypeConverter<FailMode> {
        @Override
        public FailMode convert(String value) {
            try {
                return FailMode.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("--fail-mode must be closed or open, got '" + value + "'");
            }
        }
    }
}

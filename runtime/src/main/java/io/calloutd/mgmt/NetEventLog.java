package io.calloutd.mgmt;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import io.calloutd.engine.NetEvent;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes net events as JSON lines through the SLF4J logger {@code calloutd.netevents}. {@link #toFile} attaches a
 * dedicated Logback file appender (message only, not additive) so the lines do not mix with the daemon log.
 */
public final class NetEventLog implements Consumer<NetEvent> {
    /** The logger name. */
    public static final String LOGGER = "calloutd.netevents";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    @Override public void accept(NetEvent e) {
        if (LOG.isInfoEnabled()) LOG.info(JsonViews.netEvent(e).toString());
    }

    /** Routes the logger to {@code file} (created if needed), one JSON object per line. */
    public static void toFile(Path file) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext)) return;
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern("%msg%n");
        enc.start();
        FileAppender<ILoggingEvent> app = new FileAppender<>();
        app.setContext(ctx);
        app.setName("netevents-file");
        app.setFile(file.toString());
        app.setEncoder(enc);
        app.start();
        ch.qos.logback.classic.Logger l = ctx.getLogger(LOGGER);
        l.detachAndStopAllAppenders();
        l.addAppender(app);
        l.setAdditive(false);
        l.setLevel(ch.qos.logback.classic.Level.INFO);
    }
}

package io.calloutd.replay;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;

/** Reads a pcap or pcapng file through pcap4j (libpcap), frame by frame with nanosecond timestamps. */
public final class PcapSource implements AutoCloseable {
    /** One captured frame. */
    public record Frame(long timeNanos, byte[] bytes) { }

    private final PcapHandle handle;
    private final int linkType;

    private PcapSource(PcapHandle handle) {
        this.handle = handle;
        this.linkType = handle.getDlt().value();
    }

    /**
     * @throws IOException if the file cannot be opened or its link type cannot be replayed
     */
    public static PcapSource open(Path file) throws IOException {
        PcapHandle h;
        try {
            h = Pcaps.openOffline(file.toString(), PcapHandle.TimestampPrecision.NANO);
        } catch (PcapNativeException e) {
            throw new IOException("cannot read capture " + file + ": " + e.getMessage(), e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new IOException("cannot read capture " + file + ": libpcap is missing (apt-get install libpcap0.8)", e);
        }
        PcapSource s = new PcapSource(h);
        if (!LinkLayer.supported(s.linkType)) {
            h.close();
            throw new IOException("capture " + file + ": link type " + s.linkType + " (" + h.getDlt().name()
                    + ") is not supported; use raw IP, Ethernet or Linux cooked captures");
        }
        return s;
    }

    /** @return the capture's link type (DLT) */
    public int linkType() {
        return linkType;
    }

    /** @return the next frame, or null at the end of the file */
    public Frame next() throws IOException {
        try {
            byte[] b = handle.getNextRawPacketEx();
            java.sql.Timestamp ts = handle.getTimestamp();
            long nanos = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
            return new Frame(nanos, b);
        } catch (EOFException e) {
            return null;
        } catch (PcapNativeException | NotOpenException e) {
            throw new IOException("reading capture: " + e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new IOException("reading capture: timeout", e); // offline handles never time out
        }
    }

    @Override
    public void close() {
        handle.close();
    }
}

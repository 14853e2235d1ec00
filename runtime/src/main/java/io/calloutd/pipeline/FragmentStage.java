package io.calloutd.pipeline;

import io.calloutd.fragment.FragmentationResult;
import io.calloutd.fragment.Fragmenter;
import io.calloutd.fragment.IcmpErrorBuilder;
import io.calloutd.fragment.Reassembler;
import io.calloutd.fragment.ReassemblyConfig;
import io.calloutd.fragment.ReassemblyResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fragments in front of the verdict and MTU handling behind it: fragments are reassembled so that the
 * policy sees whole datagrams, and whatever leaves is cut to fit — reassembled datagrams into fragments no
 * larger than the sender used (as Linux does after defragmenting) and never above the egress MTU; packets that
 * may not be fragmented get ICMP fragmentation-needed / packet-too-big sent back to their source.
 * Single-threaded: one per packet thread.
 */
final class FragmentStage implements AutoCloseable {
    private static final long EXPIRE_PERIOD_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Reassembler reassembler;
    private final Fragmenter fragmenter;
    private final IcmpErrorBuilder icmpErrors;
    private final List<ByteBuf> pieces = new ArrayList<>(64);
    private long nextExpiry;

    FragmentStage(ReassemblyConfig config, ByteBufAllocator alloc) {
        this.reassembler = new Reassembler(config, System::nanoTime, alloc);
        this.fragmenter = new Fragmenter(alloc);
        this.icmpErrors = new IcmpErrorBuilder(alloc);
    }

    /** Offers a fragment; the result tells whether a datagram completed, and the reassembler keeps what it holds. */
    ReassemblyResult offer(ByteBuf fragment) {
        return reassembler.accept(fragment);
    }

    /** Drops datagrams whose time ran out; cheap enough to call per packet (it only works twice a second). */
    void expireIfDue(long now) {
        if (now - nextExpiry >= 0) {
            reassembler.expire(now);
            nextExpiry = now + EXPIRE_PERIOD_NANOS;
        }
    }

    Reassembler reassembler() {
        return reassembler;
    }

    /**
     * Cuts a packet to fit the egress MTU.
     *
     * @param packet          the IP packet (not released)
     * @param maxFragmentSize largest fragment the sender used, or 0 if it did not arrive fragmented
     * @param identification  IPv6 identification to reuse when refragmenting
     * @param out             receives the pieces (caller releases them) when the outcome is FRAGMENTED
     */
    FragmentationResult fit(ByteBuf packet, int ipVersion, int mtu, int maxFragmentSize, int identification, List<ByteBuf> out) {
        int length = packet.readableBytes();
        if (length <= mtu && (maxFragmentSize == 0 || length <= maxFragmentSize)) {
            return FragmentationResult.FITS;
        }
        return ipVersion == 4
                ? fragmenter.fragmentV4(packet, mtu, maxFragmentSize, out)
                : fragmenter.fragmentV6(packet, mtu, maxFragmentSize, identification, out);
    }

    /** @return a reusable list for {@link #fit}; empty */
    List<ByteBuf> pieces() {
        pieces.clear();
        return pieces;
    }

    /**
     * Builds the ICMP error telling the sender of {@code packet} the MTU, or null when none may be sent (e.g.
     * for a non-first fragment or an ICMP error) or no source address is known.
     */
    ByteBuf tooBig(ByteBuf packet, int ipVersion, int mtu, Egress egress) {
        if (ipVersion == 4) {
            return egress.icmpFromV4() == null ? null : icmpErrors.fragmentationNeeded(packet, egress.icmpFromV4(), mtu);
        }
        return egress.icmpFromV6() == null ? null : icmpErrors.packetTooBig(packet, egress.icmpFromV6(), mtu);
    }

    @Override
    public void close() {
        reassembler.close();
    }
}

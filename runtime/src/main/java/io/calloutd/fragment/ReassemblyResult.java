package io.calloutd.fragment;

import io.netty.buffer.ByteBuf;

/**
 * Outcome of {@link Reassembler#accept}. The non-complete outcomes are shared constants (no allocation);
 * a {@link Kind#COMPLETE} result is created once per reassembled datagram and owns a new buffer.
 */
public final class ReassemblyResult {

    /** What happened to the offered packet. */
    public enum Kind {
        /** Not a fragment; the caller processes the packet as is. */
        NOT_A_FRAGMENT,
        /** The fragment was retained (one extra reference) while the datagram waits for more fragments. */
        HELD,
        /** A datagram is complete; {@link #datagram()} holds it in a newly allocated buffer. */
        COMPLETE,
        /** The fragment was dropped, possibly with its whole datagram; see {@link #reason()}. */
        DISCARDED
    }

    /** Shared result for packets that are not fragments. */
    public static final ReassemblyResult NOT_A_FRAGMENT = new ReassemblyResult(Kind.NOT_A_FRAGMENT, null, null, 0, 0);
    /** Shared result for held fragments. */
    public static final ReassemblyResult HELD = new ReassemblyResult(Kind.HELD, null, null, 0, 0);
    private static final ReassemblyResult[] DISCARDS;

    static {
        FragmentDropReason[] reasons = FragmentDropReason.values();
        DISCARDS = new ReassemblyResult[reasons.length];
        for (FragmentDropReason r : reasons) {
            DISCARDS[r.ordinal()] = new ReassemblyResult(Kind.DISCARDED, null, r, 0, 0);
        }
    }

    private final Kind kind;
    private final ByteBuf datagram;
    private final FragmentDropReason reason;
    private final int maxFragmentSize;
    private final int identification;

    private ReassemblyResult(Kind kind, ByteBuf datagram, FragmentDropReason reason, int maxFragmentSize,
                             int identification) {
        this.kind = kind;
        this.datagram = datagram;
        this.reason = reason;
        this.maxFragmentSize = maxFragmentSize;
        this.identification = identification;
    }

    /** The shared result for a discard with the given reason. */
    public static ReassemblyResult discarded(FragmentDropReason reason) {
        return DISCARDS[reason.ordinal()];
    }

    static ReassemblyResult complete(ByteBuf datagram, int maxFragmentSize, int identification) {
        return new ReassemblyResult(Kind.COMPLETE, datagram, null, maxFragmentSize, identification);
    }

    /** The outcome. */
    public Kind kind() {
        return kind;
    }

    /**
     * For {@link Kind#COMPLETE}: the reassembled IP datagram (reader index 0, readable bytes = datagram).
     * The caller owns it and must release it. {@code null} otherwise.
     */
    public ByteBuf datagram() {
        return datagram;
    }

    /** For {@link Kind#DISCARDED}: why. {@code null} otherwise. */
    public FragmentDropReason reason() {
        return reason;
    }

    /**
     * For {@link Kind#COMPLETE}: the largest fragment (whole IP packet length) seen for this datagram; pass it
     * to {@link Fragmenter} to refragment like the sender did (Linux's {@code frag_max_size}).
     */
    public int maxFragmentSize() {
        return maxFragmentSize;
    }

    /** For {@link Kind#COMPLETE}: the fragment identification (16 bits for IPv4, 32 bits for IPv6). */
    public int identification() {
        return identification;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case COMPLETE -> "COMPLETE(" + datagram.readableBytes() + " bytes, maxFragment=" + maxFragmentSize + ")";
            case DISCARDED -> "DISCARDED(" + reason + ")";
            default -> kind.name();
        };
    }
}

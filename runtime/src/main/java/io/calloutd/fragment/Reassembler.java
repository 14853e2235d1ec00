package io.calloutd.fragment;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.function.LongSupplier;

/**
 * IPv4 and IPv6 fragment reassembly for one reader thread: single-threaded, no locks, no allocation per
 * fragment in steady state (one buffer and one result object per completed datagram).
 *
 * <p>Keys: IPv4 (source, destination, protocol, identification) per RFC 791; IPv6 (source, destination,
 * identification) per RFC 8200. Rules: any overlap discards the whole datagram (RFC 5722; Linux does so for
 * IPv4 too) while exact duplicates are ignored; datagrams over 65535 bytes, non-last fragments not a
 * multiple of 8 bytes, tiny IPv4 first fragments (RFC 1858), IPv6 first fragments without the whole header
 * chain (RFC 7112), conflicting ends and too many fragments are rejected; IPv6 atomic fragments are returned
 * at once without touching pending reassemblies (RFC 6946). Every drop is counted in {@link #stats()}.
 *
 * <p>Ownership: {@link #accept} never consumes the caller's reference. A held fragment is {@code retain()}ed
 * and released when its datagram completes, is discarded, times out or on {@link #close()}; the caller must
 * not modify a held fragment's bytes. Memory is accounted as the capacity of the held buffers; above
 * {@link ReassemblyConfig#highThresholdBytes()} the oldest datagrams are evicted until at most
 * {@link ReassemblyConfig#lowThresholdBytes()} remain.
 */
public final class Reassembler implements AutoCloseable {
    private final ReassemblyConfig config;
    private final LongSupplier nanoClock;
    private final DatagramAssembler assembler;
    private final DatagramTable table;
    private final ReassemblyStats stats = new ReassemblyStats();
    private final ParsedFragment parsed = new ParsedFragment();
    private final FragmentDropReason[] reason = new FragmentDropReason[1];
    private long memoryBytes;

    /** A reassembler with the default limits, {@link System#nanoTime()} and the pooled allocator. */
    public Reassembler() {
        this(ReassemblyConfig.DEFAULTS, System::nanoTime, PooledByteBufAllocator.DEFAULT);
    }

    /**
     * @param config    limits
     * @param nanoClock monotonic time source in nanoseconds (injectable for tests)
     * @param alloc     allocator for reassembled datagrams
     */
    public Reassembler(ReassemblyConfig config, LongSupplier nanoClock, ByteBufAllocator alloc) {
        this.config = config;
        this.nanoClock = nanoClock;
        this.assembler = new DatagramAssembler(alloc);
        this.table = new DatagramTable(config.maxDatagrams(), config.maxFragmentsPerDatagram());
    }

    /**
     * Offers one IP packet (readable bytes = the packet, starting with the IP header).
     *
     * @return {@link ReassemblyResult#NOT_A_FRAGMENT}, {@link ReassemblyResult#HELD}, a
     *     {@link ReassemblyResult.Kind#COMPLETE} result owning a new buffer, or a
     *     {@link ReassemblyResult.Kind#DISCARDED} result with its reason; never throws on bad input
     */
    public ReassemblyResult accept(ByteBuf packet) {
        switch (FragmentParser.parse(packet, parsed, reason)) {
            case NOT_A_FRAGMENT:
                stats.notFragment();
                return ReassemblyResult.NOT_A_FRAGMENT;
            case DROP:
                stats.drop(reason[0]);
                return ReassemblyResult.discarded(reason[0]);
            case ATOMIC:
                stats.atomic();
                return ReassemblyResult.complete(assembler.atomic(packet, parsed), parsed.packetLength, parsed.id);
            default:
                return acceptFragment(packet, parsed);
        }
    }

    private ReassemblyResult acceptFragment(ByteBuf packet, ParsedFragment f) {
        int h = DatagramTable.hash(f);
        PendingDatagram d = table.find(f, h);
        if (d == null) {
            if (table.size() >= config.maxDatagrams()) {
                kill(table.oldest(), FragmentDropReason.DATAGRAM_LIMIT);
            }
            long timeout = f.family == 4 ? config.v4TimeoutNanos() : config.v6TimeoutNanos();
            d = table.add(f, h, nanoClock.getAsLong(), timeout);
        }
        FragmentDropReason r = add(d, packet, f);
        if (r != null) {
            if (r.discardsDatagram()) {
                kill(d, r);
            } else {
                stats.drop(r);
                if (d.count == 0) {
                    table.remove(d); // created for this fragment only; nothing held
                }
            }
            return ReassemblyResult.discarded(r);
        }
        stats.held();
        if (d.complete()) {
            ByteBuf out = assembler.assemble(d);
            if (out == null) {
                kill(d, FragmentDropReason.OVERSIZE);
                return ReassemblyResult.discarded(FragmentDropReason.OVERSIZE);
            }
            int maxFragment = d.maxFragmentSize;
            int id = d.id;
            memoryBytes -= d.releaseAll();
            table.remove(d);
            stats.memory(memoryBytes);
            stats.reassembled();
            return ReassemblyResult.complete(out, maxFragment, id);
        }
        if (memoryBytes > config.highThresholdBytes()) {
            while (memoryBytes > config.lowThresholdBytes()) {
                kill(table.oldest(), FragmentDropReason.MEMORY_LIMIT);
            }
        }
        stats.memory(memoryBytes);
        stats.notePeak(memoryBytes);
        return d.live ? ReassemblyResult.HELD : ReassemblyResult.discarded(FragmentDropReason.MEMORY_LIMIT);
    }

    /** Places the fragment in {@code d}, or returns why it cannot be placed. */
    private FragmentDropReason add(PendingDatagram d, ByteBuf packet, ParsedFragment f) {
        int end = f.end();
        int[] offsets = d.offsets;
        int[] ends = d.ends;
        int i = d.count;
        while (i > 0 && offsets[i - 1] > f.offset) {
            i--; // fragments usually arrive in order, so scanning from the end is short
        }
        if (i > 0 && offsets[i - 1] == f.offset && ends[i - 1] == end) {
            return FragmentDropReason.DUPLICATE;
        }
        if ((i > 0 && ends[i - 1] > f.offset) || (i < d.count && offsets[i] < end)) {
            return FragmentDropReason.OVERLAP;
        }
        if (d.totalLength >= 0 && (end > d.totalLength || (!f.more && end != d.totalLength))) {
            return FragmentDropReason.CONFLICTING_END;
        }
        if (!f.more && d.count > 0 && ends[d.count - 1] > end) {
            return FragmentDropReason.CONFLICTING_END;
        }
        if (d.count == offsets.length) {
            return FragmentDropReason.TOO_MANY_FRAGMENTS;
        }
        memoryBytes += d.insert(i, packet, f);
        if (!f.more) {
            d.totalLength = end;
        }
        return null;
    }

    /**
     * Discards datagrams whose timeout passed at {@code nowNanos} (same clock as the injected one); the
     * pipeline calls this periodically. Returns how many were discarded (counted as
     * {@link FragmentDropReason#TIMEOUT}).
     */
    public int expire(long nowNanos) {
        int expired = 0;
        for (int list = 0; list < 2; list++) {
            PendingDatagram d;
            while ((d = table.oldest(list)) != null && nowNanos - d.deadlineNanos >= 0) {
                kill(d, FragmentDropReason.TIMEOUT);
                expired++;
            }
        }
        return expired;
    }

    private void kill(PendingDatagram d, FragmentDropReason why) {
        memoryBytes -= d.releaseAll();
        table.remove(d);
        stats.drop(why);
        stats.memory(memoryBytes);
    }

    /** Buffer capacity currently held, in bytes. */
    public long memoryBytes() {
        return memoryBytes;
    }

    /** Datagrams currently waiting for fragments. */
    public int pendingDatagrams() {
        return table.size();
    }

    /** Counters; readable from any thread. */
    public ReassemblyStats stats() {
        return stats;
    }

    /** The limits in use. */
    public ReassemblyConfig config() {
        return config;
    }

    /**
     * Releases every held fragment (counted as {@link FragmentDropReason#CLOSED}). The reassembler stays
     * usable afterwards, starting empty.
     */
    @Override
    public void close() {
        PendingDatagram d;
        while ((d = table.oldest()) != null) {
            kill(d, FragmentDropReason.CLOSED);
        }
    }
}

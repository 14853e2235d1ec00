package io.calloutd.callout;

import io.calloutd.engine.Layer;
import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One injection as the data path sees it ({@link InjectionTarget#inject}). {@link #data()} holds the bytes from the
 * start the {@link #type()} requires (IP header, transport header or stream payload) and is released by the runtime
 * in {@link #complete}; a target that keeps the bytes longer retains them itself. The data path must re-classify the
 * packet at the re-entry point of its type (§4.5) with {@link #tag()} set on the view, and call {@link #complete}
 * exactly once when done.
 */
public final class InjectedPacket {
    private final InjectionType type;
    private final InjectionHandle handle;
    private final InjectionTag tag;
    private final ByteBuf data;
    private final PacketClone clone;
    private final int interfaceIndex, subInterfaceIndex;
    private final TransportSendParams sendParams;
    private final long flowId;
    private final Layer streamLayer;
    private final int streamFlags;
    private final Object context;
    private final InjectionCompletion completion;
    private final AtomicBoolean completed = new AtomicBoolean();

    InjectedPacket(InjectionType type, InjectionHandle handle, ByteBuf data, PacketClone clone, int interfaceIndex,
                   int subInterfaceIndex, TransportSendParams sendParams, long flowId, Layer streamLayer, int streamFlags,
                   Object context, InjectionCompletion completion) {
        this.type = type;
        this.handle = handle;
        this.tag = new InjectionTag(handle.id(), context, clone.injectionTag());
        this.data = data;
        this.clone = clone;
        this.interfaceIndex = interfaceIndex;
        this.subInterfaceIndex = subInterfaceIndex;
        this.sendParams = sendParams;
        this.flowId = flowId;
        this.streamLayer = streamLayer;
        this.streamFlags = streamFlags;
        this.context = context;
        this.completion = completion;
    }

    /** Which injection function. */
    public InjectionType type() { return type; }
    /** Tag to put on the re-entering packet's {@link PacketView}. */
    public InjectionTag tag() { return tag; }
    /** Id of the injecting handle. */
    public long handleId() { return handle.id(); }
    /** The bytes to inject (readable bytes), owned by the runtime. */
    public ByteBuf data() { return data; }
    /** 4 or 6. */
    public int ipVersion() { return clone.ipVersion(); }
    /** IP protocol number of the packet. */
    public int transportProtocol() { return clone.transportProtocol(); }
    /** Direction of the original packet ({@link io.calloutd.engine.Direction}). */
    public int direction() { return clone.direction(); }
    /** The data path the original packet came from ({@link PacketView#origin()}), or null (e.g. a deep copy of a
     *  packet built by the callout). */
    public Object origin() { return clone.origin(); }
    /** IP header bytes of the injected packet (as the clone records them). */
    public int ipHeaderSize() { return clone.ipHeaderSize(); }

    /**
     * The clone's bytes from its IP header, with their own reference (the caller releases them). For transport send
     * injection, whose {@link #data()} starts after the IP header, the data path rebuilds the header from these.
     * Valid until {@link #complete} (the callout frees the clone in its completion routine).
     */
    public ByteBuf retainedFromIpHeader() { return clone.retainedBytesFrom(0); }

    /** Interface index: arrival interface (receive), destination interface (forward); else 0. */
    public int interfaceIndex() { return interfaceIndex; }
    /** Sub-interface index (receive injection). */
    public int subInterfaceIndex() { return subInterfaceIndex; }
    /** Transport send arguments, or null (raw send of a packet that already has an IP header). */
    public TransportSendParams sendParams() { return sendParams; }
    /** Flow id (stream injection), else 0. */
    public long flowId() { return flowId; }
    /** STREAM_V4/V6 for stream injection, else null. */
    public Layer streamLayer() { return streamLayer; }
    /** Stream flags (stream injection). */
    public int streamFlags() { return streamFlags; }

    /**
     * Finishes the injection: releases {@link #data()} and runs the callout's completion routine with {@code status}.
     *
     * @return true the first time; later calls do nothing and return false (exactly-once, §4.4)
     */
    public boolean complete(CalloutStatus status) {
        if (!completed.compareAndSet(false, true)) return false;
        data.release();
        handle.finished(this);
        try {
            completion.completed(context, clone, status == null ? CalloutStatus.REFUSED : status);
        } catch (RuntimeException e) {
            handle.completionFailed();
        }
        return true;
    }

    /** A synchronous failure: releases the data without running the completion routine (§4.4). */
    boolean abort() {
        if (!completed.compareAndSet(false, true)) return false;
        data.release();
        handle.finished(this);
        return true;
    }

    /** True once {@link #complete} ran. */
    public boolean isCompleted() { return completed.get(); }

    @Override public String toString() { return type + " v" + ipVersion() + " " + data.readableBytes() + "B " + tag; }
}

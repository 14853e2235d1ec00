package io.calloutd.stream;

import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyOut;
import io.calloutd.engine.FilterEngine;
import io.calloutd.flow.Flow;
import io.calloutd.flow.FlowTable;
import io.netty.buffer.ByteBufAllocator;

/** What every stream of one packet thread shares: engine, reusable classify objects, limits, counters. */
final class StreamEnv {
    /** Where rebuilt segments go (the pipeline), or null before one is attached. */
    io.calloutd.pipeline.PacketOutput output;
    final FilterEngine engine;
    final ClassifyContext ctx = new ClassifyContext();
    final ClassifyOut out = new ClassifyOut();
    final StreamCalloutIo io = new StreamCalloutIo();
    final StreamCounters counters;
    StreamConfig config;
    ByteBufAllocator alloc;
    final StreamControl control;
    FlowTable flows;

    StreamEnv(FilterEngine engine, StreamConfig config, StreamCounters counters, ByteBufAllocator alloc,
              StreamControl control) {
        this.engine = engine;
        this.config = config;
        this.counters = counters;
        this.alloc = alloc;
        this.control = control;
    }

    void beginClassify(Object flow) {
        if (flows != null && flow instanceof Flow f) flows.beginClassify(f);
    }

    void endClassify(Object flow) {
        if (flows != null && flow instanceof Flow f) flows.endClassify(f);
    }
}

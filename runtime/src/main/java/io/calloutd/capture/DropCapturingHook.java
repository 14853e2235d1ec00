package io.calloutd.capture;

import io.calloutd.callout.InjectionTag;
import io.calloutd.callout.InjectionType;
import io.calloutd.classify.LayerClassifier;
import io.calloutd.engine.ClassifyResult;
import io.calloutd.engine.Verdict;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.pipeline.Direction;
import io.calloutd.pipeline.VerdictHook;

/**
 * A verdict hook in front of a {@link LayerClassifier} that copies every packet the policy blocks into a
 * {@link PacketCaptureWriter}, with the blocking layer and filter as its comment. Adds one ring offer per blocked
 * packet and nothing per permitted one.
 */
public final class DropCapturingHook implements VerdictHook {
    private final LayerClassifier classifier;
    private final PacketCaptureWriter writer;

    /**
     * @param classifier decides
     * @param writer     receives the blocked packets
     */
    public DropCapturingHook(LayerClassifier classifier, PacketCaptureWriter writer) {
        this.classifier = classifier;
        this.writer = writer;
    }

    @Override
    public Verdict decide(ParsedPacket packet, Direction direction) {
        return captured(classifier.decide(packet, direction), packet, direction);
    }

    @Override
    public Verdict decideReassembled(ParsedPacket datagram, Direction direction) {
        return captured(classifier.decideReassembled(datagram, direction), datagram, direction);
    }

    @Override
    public Verdict decideFragment(ParsedPacket fragment, Direction direction) {
        return captured(classifier.decideFragment(fragment, direction), fragment, direction);
    }

    @Override
    public Verdict decideInjected(ParsedPacket packet, Direction direction, InjectionTag tag, InjectionType type) {
        return captured(classifier.decideInjected(packet, direction, tag, type), packet, direction);
    }

    @Override
    public Verdict decideResumed(ParsedPacket packet, Direction direction, Object token) {
        return captured(classifier.decideResumed(packet, direction, token), packet, direction);
    }

    @Override
    public boolean needsSegments(ParsedPacket superFrame, Direction direction) {
        return classifier.needsSegments(superFrame, direction);
    }

    @Override
    public boolean needsCompleteChecksums() {
        return classifier.needsCompleteChecksums();
    }

    // The classifier must see these too: stream segments it rebuilds, completions handed to the packet thread.
    @Override
    public void attachOutput(io.calloutd.pipeline.PacketOutput output) {
        classifier.attachOutput(output);
    }

    @Override
    public void packetThread(java.util.concurrent.Executor executor) {
        classifier.packetThread(executor);
    }

    private Verdict captured(Verdict v, ParsedPacket p, Direction d) {
        if (v == Verdict.BLOCK) {
            ClassifyResult r = classifier.lastResult();
            if (r.verdict() == Verdict.BLOCK && r.absorbed()) {
                return v; // absorbed by a callout (held, pended or re-injected later): not a drop
            }
            boolean fromEngine = r.verdict() == Verdict.BLOCK;
            writer.offer(p.buffer(), p.networkOffset(), p.ipLength(), CaptureNote.DROP, fromEngine ? r.layer() : null,
                    fromEngine ? r.filterId() : 0, d);
        }
        return v;
    }
}

package io.calloutd.daemon;

import io.calloutd.flow.Flow;
import io.calloutd.mgmt.FlowView;
import io.calloutd.pipeline.Direction;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The daemon's flows for {@code calloutctl flows}: each packet thread copies its own flow table between two packets
 * (a task on its I/O loop), so the classifiers take no lock and the caller never reads a table another thread
 * changes. A thread that does not answer within a second is left out.
 */
final class GatewayFlowView implements FlowView {
    private final GatewayDaemon daemon;

    GatewayFlowView(GatewayDaemon daemon) {
        this.daemon = daemon;
    }

    @Override
    public java.util.Optional<io.calloutd.redirect.RedirectRecords> redirectRecords(
            int protocol, java.net.InetSocketAddress client, java.net.InetSocketAddress redirectedTo) {
        return daemon.redirects().query(protocol, client, redirectedTo);
    }

    @Override
    public List<FlowSummary> snapshot(int limit) {
        int queues = daemon.classifiers().size();
        List<CompletableFuture<List<FlowSummary>>> parts = new ArrayList<>();
        for (int q = 0; q < queues; q++) {
            CompletableFuture<List<FlowSummary>> part = new CompletableFuture<>();
            int queue = q;
            daemon.onPacketThread(q, () -> {
                try {
                    part.complete(copy(queue, limit));
                } catch (RuntimeException e) {
                    part.completeExceptionally(e);
                }
            });
            parts.add(part);
        }
        List<FlowSummary> all = new ArrayList<>();
        for (CompletableFuture<List<FlowSummary>> part : parts) {
            try {
                all.addAll(part.get(1, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException e) {
                // that thread's flows are missing from this snapshot
            }
        }
        return all.size() > limit ? all.subList(0, limit) : all;
    }

    private List<FlowSummary> copy(int queue, int limit) {
        long now = System.nanoTime();
        List<FlowSummary> out = new ArrayList<>();
        daemon.classifiers().get(queue).flows().forEach(limit, f -> out.add(summary(queue, f, now)));
        return out;
    }

    static FlowSummary summary(int queue, Flow f, long nowNanos) {
        boolean localInitiated = f.initiatorDirection() == Direction.OUTBOUND;
        String initiator = address(f.ipVersion(), f.initiatorAddressHigh(), f.initiatorAddressLow());
        String responder = address(f.ipVersion(), f.responderAddressHigh(), f.responderAddressLow());
        return new FlowSummary(queue + "-" + f.id(), f.protocol(), localInitiated ? "OUTBOUND" : "INBOUND",
                localInitiated ? initiator : responder, localInitiated ? f.initiatorPort() : f.responderPort(),
                localInitiated ? responder : initiator, localInitiated ? f.responderPort() : f.initiatorPort(),
                f.state().name(), f.packetsFromInitiator() + f.packetsFromResponder(),
                f.bytesFromInitiator() + f.bytesFromResponder(), (nowNanos - f.createdNanos()) / 1_000_000L);
    }

    static String address(int version, long high, long low) {
        byte[] b = version == 4 ? ByteBuffer.allocate(4).putInt((int) low).array()
                : ByteBuffer.allocate(16).putLong(high).putLong(low).array();
        try {
            return InetAddress.getByAddress(b).getHostAddress();
        } catch (UnknownHostException e) {
            return "?"; // cannot happen for 4 or 16 bytes
        }
    }
}

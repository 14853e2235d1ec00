package io.calloutd.mgmt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.calloutd.engine.ClassifyContext;
import io.calloutd.engine.ClassifyResult;
import io.calloutd.engine.EngineConfig;
import io.calloutd.engine.Field;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.IncomingValues;
import io.calloutd.engine.Layer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Net events reach subscribed sessions off the packet thread; Prometheus shows layer and filter counters. */
class NetEventsAndMetricsTest {
    @Test
    void dropEventReachesSubscriberAndMetricsCountTheBlock() throws Exception {
        NetEventHub hub = new NetEventHub(8, 10_000); // long period: the test drains explicitly
        FilterEngine engine = new FilterEngine(EngineConfig.defaults().withNetEvents(hub));
        ManagementService svc = new ManagementService(engine, AccessPolicy.rootOnly(), null, hub, FlowView.NONE, null);
        List<ObjectNode> got = new CopyOnWriteArrayList<>();
        Session s = svc.open(new Principal(1, 0, Set.of(0)), false, "s", got::add);
        svc.subscribeNetEvents(s, true);
        long id = svc.addFilter(s, ManagementChecksTest.blockPort(23), false).get("id").asLong();
        IncomingValues in = new IncomingValues().setUint16(Field.IP_LOCAL_PORT, 23);
        engine.classify(Layer.INBOUND_TRANSPORT_V4, in, new ClassifyContext(), new ClassifyResult());
        assertThat(got).isEmpty(); // nothing is delivered on the classifying thread
        hub.drainOnce();
        assertThat(got).singleElement().satisfies(n -> {
            assertThat(n.get("type").asText()).isEqualTo("CLASSIFY_DROP");
            assertThat(n.get("filterId").asLong()).isEqualTo(id);
            assertThat(n.get("layer").asText()).isEqualTo("INBOUND_TRANSPORT_V4");
        });
        try (MetricsExporter m = new MetricsExporter(engine, hub, 0)) {
            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(body).contains("calloutd_filter_blocks_total{filter_id=\"" + id + "\",layer=\"INBOUND_TRANSPORT_V4\",name=");
            assertThat(body).containsPattern("calloutd_layer_blocks_total\\{layer=\"INBOUND_TRANSPORT_V4\"\\} 1(\\.0)?\\n");
            assertThat(body).containsPattern("calloutd_net_events_total 1(\\.0)?\\n");
        } finally {
            svc.close();
            hub.close();
        }
    }
}

package io.calloutd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calloutd.callout.CalloutRegistry;
import io.calloutd.callout.CalloutServices;
import io.calloutd.callout.ClassifyBudget;
import io.calloutd.engine.FilterEngine;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The policy file's {@code callouts:} section over {@link io.calloutd.callout.CalloutFactory} types. */
class ConfiguredCalloutsTest {
    private final FilterEngine engine = new FilterEngine();
    private final CalloutRegistry registry = new CalloutRegistry(engine, ClassifyBudget.defaults());
    private final CalloutCatalog catalog = CalloutCatalog.discover(getClass().getClassLoader(),
            new CalloutServices(null, null, engine));
    private final ConfigLoader loader = new ConfigLoader(catalog);
    private final PolicyApplier applier = new PolicyApplier(engine, registry);

    @BeforeEach
    void reset() {
        CountingCalloutFactory.CREATED.clear();
    }

    private CompiledPolicy parse(String calloutParams, String extraFilter) throws ConfigException {
        String yaml = String.join("\n",
                "callouts:",
                "  - {id: c1, type: counting, params: " + calloutParams + "}",
                "filters:",
                "  - {id: f1, layer: INBOUND_TRANSPORT_V4, action: CALLOUT_INSPECTION, callout: c1}",
                extraFilter, "");
        return loader.parse("t.yaml", yaml.getBytes(StandardCharsets.UTF_8), true);
    }

    @Test
    void discoveredTypeIsRegisteredThroughTheRegistryWithItsStatus() throws Exception {
        applier.apply(parse("{label: a}", ""));
        assertThat(registry.registered()).singleElement().satisfies(r -> {
            assertThat(r.registration().name()).isEqualTo("c1");
            assertThat(r.registration().flowDelete()).isNotNull();
        });
        assertThat(applier.calloutStatus()).containsOnlyKeys("c1");
        assertThat(applier.calloutStatus().get("c1")).containsEntry("type", "counting").containsEntry("label", "a");
    }

    @Test
    void unchangedInstanceSurvivesReloadChangedOneIsSwappedAndClosed() throws Exception {
        applier.apply(parse("{label: a}", ""));
        applier.apply(parse("{label: a}", ""));
        var created = CountingCalloutFactory.CREATED;
        assertThat(created).hasSize(2);
        assertThat(created.get(0).closed).as("running instance kept").isFalse();
        assertThat(created.get(1).closed).as("duplicate of the running one closed").isTrue();
        applier.apply(parse("{label: b}", ""));
        assertThat(created.get(0).closed).isTrue();
        assertThat(created.get(2).closed).isFalse();
        assertThat(applier.calloutStatus().get("c1")).containsEntry("label", "b");
        applier.close();
        assertThat(created.get(2).closed).isTrue();
        assertThat(registry.registered()).isEmpty();
    }

    @Test
    void rejectedPolicyClosesItsInstancesAndKeepsTheRunningOne() throws Exception {
        applier.apply(parse("{label: a}", ""));
        // Compiles, but the engine rejects the filter (ports are not classifiable at IPFORWARD).
        assertThatThrownBy(() -> applier.apply(parse("{label: b}",
                "  - {id: f2, layer: IPFORWARD_V4, action: BLOCK, conditions: [{field: IP_LOCAL_PORT, value: 1}]}")))
                .isInstanceOf(ConfigException.class);
        var created = CountingCalloutFactory.CREATED;
        assertThat(created.get(1).closed).isTrue();
        assertThat(created.get(0).closed).isFalse();
        assertThat(applier.calloutStatus().get("c1")).containsEntry("label", "a");
    }

    @Test
    void parameterErrorsNameTheFieldAndCloseWhatWasCreated() {
        assertThatThrownBy(() -> parse("{labl: a}", ""))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("t.yaml").hasMessageContaining("labl: unknown parameter for callout type counting");
        assertThatThrownBy(() -> parse("{port: 70000}", ""))
                .hasMessageContaining("port: 70000 is out of range [1, 65535]");
        assertThatThrownBy(() -> parse("{label: a}", "  - {id: f1, layer: INBOUND_TRANSPORT_V4, action: BLOCK}"))
                .hasMessageContaining("duplicate filter id 'f1'");
        assertThat(CountingCalloutFactory.CREATED).singleElement().satisfies(i -> assertThat(i.closed).isTrue());
    }

    @Test
    void unknownTypeListsTheKnownOnes() {
        String yaml = "callouts:\n  - {id: c1, type: nosuch}\n";
        assertThatThrownBy(() -> loader.parse("t.yaml", yaml.getBytes(StandardCharsets.UTF_8), true))
                .hasMessageContaining("unknown callout type 'nosuch' (known: ").hasMessageContaining("counting");
    }
}

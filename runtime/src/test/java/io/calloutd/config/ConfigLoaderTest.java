package io.calloutd.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calloutd.engine.FilterAction;
import io.calloutd.engine.FilterEngine;
import io.calloutd.engine.Layer;
import io.calloutd.engine.ValueType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    private static final CalloutCatalog CATALOG = CalloutCatalog.of(Map.of("noop", params -> {
        if (params.containsKey("bad")) throw new IllegalArgumentException("parameter 'bad' is not supported");
        return (in, ctx, f, out) -> { };
    }));
    private final ConfigLoader loader = new ConfigLoader(CATALOG);

    private CompiledPolicy parse(String yaml) throws ConfigException {
        return loader.parse("test.yaml", yaml.getBytes(StandardCharsets.UTF_8), true);
    }

    private static final String BASE = String.join("\n",
            "sublayers:",
            "  - {id: s1, weight: 100}",
            "callouts:",
            "  - {id: c1, type: noop, params: {x: 1}}",
            "filters:",
            "  - id: f1",
            "    layer: INBOUND_TRANSPORT_V4",
            "    sublayer: s1",
            "    action: BLOCK",
            "    conditions:",
            "      - {field: IP_LOCAL_PORT, value: 23}",
            "      - {field: IP_PROTOCOL, value: tcp}",
            "      - {field: IP_REMOTE_ADDRESS, value: 198.18.0.0/15}",
            "  - id: f2",
            "    layer: INBOUND_TRANSPORT_V6",
            "    action: CALLOUT_INSPECTION",
            "    callout: c1",
            "    conditions:",
            "      - {field: IP_REMOTE_ADDRESS, value: 'fd00::/8'}",
            "      - {field: IP_LOCAL_PORT, range: [1000, 2000]}",
            "");

    @Test
    void exampleConfigLoadsAndBlocksAPort() throws Exception {
        CompiledPolicy p = new ConfigLoader(CalloutCatalog.EMPTY).load(Path.of("../config/example.yaml"));
        assertThat(p.filters()).hasSize(3);
        FilterEngine engine = new FilterEngine();
        new PolicyApplier(engine).apply(p);
        assertThat(engine.filters(Layer.INBOUND_TRANSPORT_V4)).singleElement().satisfies(f -> {
            assertThat(f.action()).isEqualTo(FilterAction.BLOCK);
            assertThat(f.conditions().toString()).contains("IP_LOCAL_PORT").contains("UINT16:23");
        });
        assertThat(p.file().metrics().port()).isEqualTo(9464);
    }

    @Test
    void validFileCompilesTypedValues() throws Exception {
        CompiledPolicy p = parse(BASE);
        assertThat(p.sublayers()).singleElement().satisfies(s -> assertThat(s.weight()).isEqualTo(100));
        assertThat(p.filters()).hasSize(2);
        FilterEngine engine = new FilterEngine();
        new PolicyApplier(engine).apply(p);
        var f1 = engine.filters(Layer.INBOUND_TRANSPORT_V4).get(0);
        assertThat(f1.conditions().get(1).value().low()).isEqualTo(6);
        assertThat(f1.conditions().get(2).value().type()).isEqualTo(ValueType.V4_ADDR_MASK);
        assertThat(f1.conditions().get(2).value().low()).isEqualTo(0xC6120000L);
        assertThat(f1.conditions().get(2).value().high()).isEqualTo(0xFFFE0000L);
        var f2 = engine.filters(Layer.INBOUND_TRANSPORT_V6).get(0);
        assertThat(f2.conditions().get(0).value().type()).isEqualTo(ValueType.V6_ADDR_MASK);
        assertThat(f2.conditions().get(0).value().prefixLength()).isEqualTo(8);
        assertThat(f2.conditions().get(1).high().low()).isEqualTo(2000);
        assertThat(engine.isCalloutRegistered(f2.calloutKey())).isTrue();
    }

    @Test
    void unknownFieldNamesLineAndField() {
        assertThatThrownBy(() -> parse(BASE.replace("    action: BLOCK", "    action: BLOCK\n    colour: red")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test.yaml:10:")
                .hasMessageContaining("filters[0].colour: unknown field 'colour'");
    }

    @Test
    void wrongTypeNamesLineAndField() {
        assertThatThrownBy(() -> parse(BASE.replace("weight: 100", "weight: heavy")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test.yaml:2:")
                .hasMessageContaining("sublayers[0].weight: wrong type: 'heavy' is not a valid integer");
    }

    @Test
    void unknownEnumListsChoices() {
        assertThatThrownBy(() -> parse(BASE.replace("action: BLOCK", "action: DENY")))
                .hasMessageStartingWith("test.yaml:9:")
                .hasMessageContaining("filters[0].action: wrong type: 'DENY' is not a valid FilterAction (one of BLOCK, PERMIT,");
    }

    @Test
    void badCidrNamesLineAndField() {
        assertThatThrownBy(() -> parse(BASE.replace("198.18.0.0/15", "198.18.0.0/33")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.yaml:13:36: filters[0].conditions[2].value: bad CIDR '198.18.0.0/33': prefix length 33 exceeds 32");
    }

    @Test
    void badAddressNamesLine() {
        assertThatThrownBy(() -> parse(BASE.replace("198.18.0.0/15", "198.18.0.256")))
                .hasMessage("test.yaml:13:36: filters[0].conditions[2].value: bad IPv4 address '198.18.0.256'");
    }

    @Test
    void unknownCalloutNamesLineAndField() {
        assertThatThrownBy(() -> parse(BASE.replace("callout: c1", "callout: c9")))
                .hasMessage("test.yaml:17:5: filters[1].callout: unknown callout 'c9' (defined: [c1])");
    }

    @Test
    void unknownCalloutTypeAndBadParams() {
        assertThatThrownBy(() -> parse(BASE.replace("type: noop", "type: nope")))
                .hasMessageStartingWith("test.yaml:4:")
                .hasMessageEndingWith("callouts[0].type: unknown callout type 'nope' (known: noop)");
        assertThatThrownBy(() -> parse(BASE.replace("{x: 1}", "{bad: 1}")))
                .hasMessageStartingWith("test.yaml:4:")
                .hasMessageEndingWith("callouts[0].params: parameter 'bad' is not supported");
    }

    @Test
    void duplicateIdNamesLine() {
        assertThatThrownBy(() -> parse(BASE.replace("id: f2", "id: f1")))
                .hasMessage("test.yaml:14:5: filters[1].id: duplicate filter id 'f1'");
    }

    @Test
    void fieldNotAtLayerNamesLine() {
        assertThatThrownBy(() -> parse(BASE.replace("layer: INBOUND_TRANSPORT_V4", "layer: IPFORWARD_V4")))
                .hasMessage("test.yaml:11:10: filters[0].conditions[0].field: field IP_LOCAL_PORT is not available at layer IPFORWARD_V4");
    }

    @Test
    void portOutOfRangeAndProtocolName() {
        assertThatThrownBy(() -> parse(BASE.replace("value: 23", "value: 70000")))
                .hasMessage("test.yaml:11:32: filters[0].conditions[0].value: 70000 is out of range 0..65535 for IP_LOCAL_PORT");
        assertThatThrownBy(() -> parse(BASE.replace("value: tcp", "value: tcpx")))
                .hasMessageContaining("filters[0].conditions[1].value: 'tcpx' is not a number (or a protocol name");
    }

    @Test
    void syntaxErrorNamesLine() {
        assertThatThrownBy(() -> parse("filters:\n  - {id: x\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test.yaml:2:")
                .hasMessageContaining("syntax error");
    }

    @Test
    void badReloadLeavesRunningPolicyUntouchedAndGoodReloadReplacesIt() throws Exception {
        FilterEngine engine = new FilterEngine();
        PolicyApplier applier = new PolicyApplier(engine);
        applier.apply(parse(BASE));
        long gen = engine.generation(Layer.INBOUND_TRANSPORT_V4);
        var before = engine.filters(Layer.INBOUND_TRANSPORT_V4);
        assertThatThrownBy(() -> applier.apply(parse(BASE.replace("/15", "/99")))).isInstanceOf(ConfigException.class);
        assertThat(engine.filters(Layer.INBOUND_TRANSPORT_V4)).isEqualTo(before);
        assertThat(engine.generation(Layer.INBOUND_TRANSPORT_V4)).isEqualTo(gen);

        applier.apply(parse(BASE.replace("value: 23", "value: 24")));
        var after = engine.filters(Layer.INBOUND_TRANSPORT_V4);
        assertThat(after).singleElement().satisfies(f -> assertThat(f.conditions().get(0).value().low()).isEqualTo(24));
        assertThat(after.get(0).key()).isEqualTo(before.get(0).key());
        assertThat(engine.sublayers()).hasSize(3);
        assertThat(engine.generation(Layer.INBOUND_TRANSPORT_V4)).isEqualTo(gen + 1);

        applier.apply(parse("filters: []\n"));
        assertThat(engine.filters(Layer.INBOUND_TRANSPORT_V4)).isEmpty();
        assertThat(engine.filters(Layer.INBOUND_TRANSPORT_V6)).isEmpty();
        assertThat(engine.sublayers()).hasSize(2);
        assertThat(applier.calloutKeys()).isEmpty();
    }
}

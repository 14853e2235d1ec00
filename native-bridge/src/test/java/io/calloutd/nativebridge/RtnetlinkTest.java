package io.calloutd.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every Rtnetlink operation, done inside a throw-away namespace on a TUN device, and checked against iproute2's own
 * view ({@code ip -j ... show}, parsed as JSON): an independent netlink implementation.
 */
class RtnetlinkTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_METRIC = 4294967295L;

    private TestNamespace ns;
    private TunDevice tun;
    private Rtnetlink nl;
    private int index;

    @BeforeEach
    void setUp() throws Exception {
        ns = new TestNamespace();
        tun = NetNs.call(ns.name, () -> TunDevice.create("rt0", 1, false));
        nl = NetNs.call(ns.name, Rtnetlink::open); // the socket stays in the namespace for good
        index = nl.linkIndex("rt0");
    }

    @AfterEach
    void tearDown() throws IOException {
        nl.close();
        tun.close();
        String name = ns.name;
        ns.close();
        assertThat(TestNamespace.exists(name)).as("netns %s left behind", name).isFalse();
    }

    private JsonNode ipJson(String... args) throws IOException {
        List<String> a = new ArrayList<>(List.of("-j"));
        a.addAll(List.of(args));
        return JSON.readTree(ns.ip(a.toArray(String[]::new)));
    }

    @Test
    void linkLookupUpDownAndMtu() throws Exception {
        JsonNode link = ipJson("link", "show", "dev", "rt0").get(0);
        assertThat(index).isEqualTo(link.get("ifindex").asInt());
        assertThat(nl.link("lo").index()).isEqualTo(ipJson("link", "show", "dev", "lo").get(0).get("ifindex").asInt());
        assertThat(nl.link("rt0")).isEqualTo(new Link(index, "rt0", 1500, false));

        nl.setMtu(index, 1400);
        nl.setLinkUp(index, true);
        link = ipJson("link", "show", "dev", "rt0").get(0);
        assertThat(link.get("mtu").asInt()).isEqualTo(1400);
        assertThat(flags(link)).contains("UP");
        assertThat(nl.link("rt0")).isEqualTo(new Link(index, "rt0", 1400, true));

        nl.setLinkUp(index, false);
        assertThat(flags(ipJson("link", "show", "dev", "rt0").get(0))).doesNotContain("UP");
        assertThat(nl.links()).extracting(Link::name).containsExactlyInAnyOrder("lo", "rt0");
    }

    private static List<String> flags(JsonNode link) {
        List<String> r = new ArrayList<>();
        link.get("flags").forEach(f -> r.add(f.asText()));
        return r;
    }

    @Test
    void addressesAddListAndDeleteBothFamilies() throws Exception {
        nl.setLinkUp(index, true);
        InetAddress v4 = InetAddress.getByName("198.18.77.1");
        InetAddress v6 = InetAddress.getByName("fd00:77::1");
        nl.addAddress(index, v4, 24);
        nl.addAddress(index, v6, 64);

        JsonNode info = globalAddresses();
        assertThat(info).hasSize(2);
        JsonNode a4 = info.get(0).get("family").asText().equals("inet") ? info.get(0) : info.get(1);
        JsonNode a6 = a4 == info.get(0) ? info.get(1) : info.get(0);
        assertThat(a4.get("local").asText()).isEqualTo("198.18.77.1");
        assertThat(a4.get("prefixlen").asInt()).isEqualTo(24);
        assertThat(a4.get("scope").asText()).isEqualTo("global");
        assertThat(a6.get("local").asText()).isEqualTo("fd00:77::1");
        assertThat(a6.get("prefixlen").asInt()).isEqualTo(64);
        assertThat(a6.path("nodad").asBoolean()).as("IPv6 added without DAD").isTrue();
        assertThat(a6.has("tentative")).isFalse();

        assertThat(nl.addresses(IpFamily.IPV4)).contains(new Address(index, v4, 24, Address.SCOPE_GLOBAL, Address.IFA_F_PERMANENT));
        assertThat(nl.addresses(IpFamily.IPV6)).anySatisfy(a -> {
            assertThat(a.address()).isEqualTo(v6);
            assertThat(a.prefixLength()).isEqualTo(64);
            assertThat(a.flags() & Address.IFA_F_NODAD).isNotZero();
        });

        nl.deleteAddress(index, v4, 24);
        nl.deleteAddress(index, v6, 64);
        assertThat(globalAddresses()).isEmpty();
        assertThatThrownBy(() -> nl.deleteAddress(index, v4, 24)).isInstanceOfSatisfying(NativeException.class,
                e -> assertThat(e.errno()).isEqualTo(NativeException.EADDRNOTAVAIL));
    }

    /** The global addresses of rt0 as ip sees them (the kernel adds an fe80:: one of its own once the TUN is up). */
    private JsonNode globalAddresses() throws IOException {
        com.fasterxml.jackson.databind.node.ArrayNode r = JSON.createArrayNode();
        ipJson("addr", "show", "dev", "rt0").get(0).path("addr_info").forEach(a -> {
            if (a.get("scope").asText().equals("global")) {
                r.add(a);
            }
        });
        return r;
    }

    @Test
    void routesDefaultBlackholeAndPrefixInATableThenFlush() throws Exception {
        nl.setLinkUp(index, true);
        for (IpFamily f : IpFamily.values()) {
            nl.addRoute(Route.defaultVia(f, 7000, index));
            nl.addRoute(Route.blackholeDefault(f, 7000, Route.LOWEST_PRIORITY_METRIC));
        }
        InetAddress net = InetAddress.getByName("198.18.90.0");
        nl.addRoute(new Route(IpFamily.IPV4, 7001, Route.Type.UNICAST, net, 24, index, 5));

        JsonNode v4 = ipJson("-4", "route", "show", "table", "7000");
        assertThat(v4).hasSize(2);
        assertThat(v4.get(0).get("dst").asText()).isEqualTo("default");
        assertThat(v4.get(0).get("dev").asText()).isEqualTo("rt0");
        assertThat(v4.get(0).get("scope").asText()).isEqualTo("link");
        assertThat(v4.get(1).get("type").asText()).isEqualTo("blackhole");
        assertThat(v4.get(1).get("metric").asLong()).isEqualTo(MAX_METRIC);
        JsonNode v6 = ipJson("-6", "route", "show", "table", "7000");
        assertThat(v6).hasSize(2);
        assertThat(v6.get(0).get("dev").asText()).isEqualTo("rt0");
        assertThat(v6.get(0).get("metric").asLong()).isEqualTo(1024);
        assertThat(v6.get(1).get("type").asText()).isEqualTo("blackhole");
        assertThat(v6.get(1).get("metric").asLong()).isEqualTo(MAX_METRIC);
        JsonNode prefix = ipJson("-4", "route", "show", "table", "7001").get(0);
        assertThat(prefix.get("dst").asText()).isEqualTo("198.18.90.0/24");
        assertThat(prefix.get("metric").asInt()).isEqualTo(5);

        assertThat(nl.routes(IpFamily.IPV4, 7000)).containsExactlyInAnyOrder(
                new Route(IpFamily.IPV4, 7000, Route.Type.UNICAST, null, 0, index, 0),
                Route.blackholeDefault(IpFamily.IPV4, 7000, MAX_METRIC));
        assertThat(nl.routes(IpFamily.IPV6, 7000)).extracting(Route::type, Route::metric)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(Route.Type.UNICAST, 1024L),
                        org.assertj.core.groups.Tuple.tuple(Route.Type.BLACKHOLE, MAX_METRIC));
        assertThat(nl.routes(IpFamily.IPV4, 7001)).containsExactly(
                new Route(IpFamily.IPV4, 7001, Route.Type.UNICAST, net, 24, index, 5));

        nl.deleteRoute(Route.blackholeDefault(IpFamily.IPV4, 7000, MAX_METRIC));
        assertThat(ipJson("-4", "route", "show", "table", "7000")).hasSize(1);
        assertThat(nl.flushTable(IpFamily.IPV4, 7000)).isEqualTo(1);
        assertThat(nl.flushTable(IpFamily.IPV6, 7000)).isEqualTo(2);
        assertThat(nl.flushTable(IpFamily.IPV4, 7001)).isEqualTo(1);
        assertThat(ns.ip("-4", "route", "show", "table", "7000")).isBlank();
        assertThat(ns.ip("-6", "route", "show", "table", "7000")).isBlank();
        assertThat(ns.ip("-4", "route", "show", "table", "7001")).isBlank();
    }

    @Test
    void rulesFwmarkAndIifBothFamilies() throws Exception {
        for (IpFamily f : IpFamily.values()) {
            nl.addRule(Rule.fwmark(f, 7000, 0x7c0, Route.MAIN_TABLE));
            nl.addRule(Rule.inputInterface(f, 7001, "rt0", 7000));
        }
        for (String fam : List.of("-4", "-6")) {
            JsonNode rules = ipJson(fam, "rule", "show");
            assertThat(rules).hasSize(fam.equals("-4") ? 5 : 4); // local, ours two, main (+ default for IPv4)
            JsonNode mark = rules.get(1);
            assertThat(mark.get("priority").asInt()).isEqualTo(7000);
            assertThat(mark.get("fwmark").asText()).isEqualTo("0x7c0");
            assertThat(mark.has("fwmask")).as("exact mark").isFalse();
            assertThat(mark.get("table").asText()).isEqualTo("main");
            JsonNode iif = rules.get(2);
            assertThat(iif.get("priority").asInt()).isEqualTo(7001);
            assertThat(iif.get("iif").asText()).isEqualTo("rt0");
            assertThat(iif.get("table").asText()).isEqualTo("7000");
        }
        assertThat(nl.rules(IpFamily.IPV6)).contains(Rule.fwmark(IpFamily.IPV6, 7000, 0x7c0, Route.MAIN_TABLE),
                Rule.inputInterface(IpFamily.IPV6, 7001, "rt0", 7000),
                new Rule(IpFamily.IPV6, 32766, Route.MAIN_TABLE, 0, 0, null));

        nl.deleteRule(Rule.fwmark(IpFamily.IPV4, 7000, 0x7c0, Route.MAIN_TABLE));
        nl.deleteRule(Rule.inputInterface(IpFamily.IPV4, 7001, "rt0", 7000));
        assertThat(ipJson("-4", "rule", "show")).hasSize(3);
        assertThat(ipJson("-6", "rule", "show")).hasSize(4);
        assertThatThrownBy(() -> nl.deleteRule(Rule.inputInterface(IpFamily.IPV4, 7001, "rt0", 7000)))
                .isInstanceOfSatisfying(NativeException.class, e -> assertThat(e.errno()).isEqualTo(NativeException.ENOENT));
    }

    @Test
    void prefixRulesAsIproute2ShowsThem() throws Exception {
        Rule.Prefix multicast = new Rule.Prefix(InetAddress.getByName("ff00::"), 8);
        Rule.Prefix linkLocal = new Rule.Prefix(InetAddress.getByName("fe80::"), 10);
        nl.addRule(Rule.toPrefix(IpFamily.IPV6, 7000, multicast, Route.MAIN_TABLE));
        nl.addRule(Rule.fromPrefix(IpFamily.IPV6, 7000, linkLocal, Route.MAIN_TABLE));
        JsonNode rules = ipJson("-6", "rule", "show");
        assertThat(rules).hasSize(4); // local, ours two, main
        assertThat(rules.get(1).get("priority").asInt()).isEqualTo(7000);
        assertThat(rules.get(1).get("src").asText()).isEqualTo("all");
        assertThat(rules.get(1).get("dst").asText()).isEqualTo("ff00::");
        assertThat(rules.get(1).get("dstlen").asInt()).isEqualTo(8);
        assertThat(rules.get(1).get("table").asText()).isEqualTo("main");
        assertThat(rules.get(2).get("src").asText()).isEqualTo("fe80::");
        assertThat(rules.get(2).get("srclen").asInt()).isEqualTo(10);
        assertThat(nl.rules(IpFamily.IPV6)).contains(Rule.toPrefix(IpFamily.IPV6, 7000, multicast, Route.MAIN_TABLE),
                Rule.fromPrefix(IpFamily.IPV6, 7000, linkLocal, Route.MAIN_TABLE));
        nl.deleteRule(Rule.toPrefix(IpFamily.IPV6, 7000, multicast, Route.MAIN_TABLE));
        nl.deleteRule(Rule.fromPrefix(IpFamily.IPV6, 7000, linkLocal, Route.MAIN_TABLE));
        assertThat(ipJson("-6", "rule", "show")).hasSize(2);
    }

    @Test
    void kernelRefusalsBecomeClearNativeExceptions() throws Exception {
        nl.setLinkUp(index, true);
        assertThatThrownBy(() -> nl.link("nosuch0")).isInstanceOfSatisfying(NativeException.class, e -> {
            assertThat(e.errno()).isEqualTo(NativeException.ENODEV);
            assertThat(e.getMessage()).startsWith("rtnetlink get link nosuch0").endsWith("No such device (errno 19)");
        });
        Route r = Route.defaultVia(IpFamily.IPV4, 7000, index);
        nl.addRoute(r);
        assertThatThrownBy(() -> nl.addRoute(r)).isInstanceOfSatisfying(NativeException.class, e -> {
            assertThat(e.errno()).isEqualTo(NativeException.EEXIST);
            assertThat(e.getMessage()).startsWith("rtnetlink add route default dev #" + index + " table 7000 (IPV4)")
                    .endsWith("File exists (errno 17)");
        });
        Rule rule = Rule.inputInterface(IpFamily.IPV4, 7001, "rt0", 7000);
        nl.addRule(rule);
        assertThatThrownBy(() -> nl.addRule(rule)).isInstanceOfSatisfying(NativeException.class, e -> {
            assertThat(e.errno()).isEqualTo(NativeException.EEXIST);
            assertThat(e.getMessage()).startsWith("rtnetlink add rule priority 7001 iif rt0 lookup 7000 (IPV4)");
        });
        assertThatThrownBy(() -> nl.addRoute(Route.defaultVia(IpFamily.IPV4, 7002, 9999)))
                .isInstanceOfSatisfying(NativeException.class, e -> assertThat(e.errno()).isEqualTo(NativeException.ENODEV));
        assertThatThrownBy(() -> nl.addAddress(9999, InetAddress.getByName("198.18.77.9"), 24))
                .isInstanceOfSatisfying(NativeException.class, e -> {
                    assertThat(e.errno()).isEqualTo(NativeException.ENODEV);
                    assertThat(e.getMessage()).startsWith("rtnetlink add address 198.18.77.9/24 dev #9999");
                });
        assertThatThrownBy(() -> nl.deleteRoute(Route.blackholeDefault(IpFamily.IPV6, 7000, 7)))
                .isInstanceOfSatisfying(NativeException.class, e -> assertThat(e.errno()).isEqualTo(NativeException.ESRCH));
        assertThatThrownBy(() -> nl.setMtu(index, 10)).as("below the minimum MTU")
                .isInstanceOfSatisfying(NativeException.class, e -> assertThat(e.errno()).isEqualTo(NativeException.EINVAL));
        // The socket is still usable after every refusal.
        assertThat(nl.routes(IpFamily.IPV4, 7000)).hasSize(1);
        nl.close();
        assertThatThrownBy(() -> nl.links()).isInstanceOfSatisfying(NativeException.class,
                e -> assertThat(e.errno()).isEqualTo(NativeException.EBADF));
    }
}

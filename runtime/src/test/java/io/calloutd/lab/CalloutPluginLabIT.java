package io.calloutd.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.callout.CalloutProvider;
import io.calloutd.daemon.StatsSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * A third-party callout jar (compiled here, loaded with {@code --plugin-dir}) does out-of-band inspection (§7.1
 * inspect: clone, BLOCK+ABSORB, reinject the clone from a worker) on every TCP packet crossing the gateway, and real
 * TCP transfers still arrive intact (checks 31 and 69).
 */
class CalloutPluginLabIT {
    private static final Path JAR = Path.of(System.getProperty("calloutd.jar", "runtime/target/calloutd.jar"));

    static final String SOURCE = """
            package plug;
            import io.calloutd.callout.*;
            import io.calloutd.engine.*;
            import java.util.List;
            import java.util.UUID;
            /** Out-of-band inspection of all IPv4 TCP at both transport layers. */
            public class OobInspect implements CalloutProvider {
                static final UUID KEY = UUID.fromString("6f1c2a7e-0000-4000-8000-00000000beef");
                public String name() { return "oob-inspect"; }
                public String version() { return "1.0"; }
                public List<CalloutRegistration> callouts(CalloutServices s) {
                    InjectionHandle h = s.injector().createHandle(AddressFamily.INET, InjectionHandle.TRANSPORT);
                    DeferredWork work = s.deferredWork();
                    Callout c = (in, ctx, filter, out) -> {
                        PacketView v = (PacketView) ctx.layerData();
                        if (v == null) return;
                        if (h.state(v).isSelf()) { if (out.hasWriteRight()) out.permit(); return; }
                        if (!out.hasWriteRight()) return;
                        // A packet that opens a flow goes on to RECV_ACCEPT: permitted here, never receive-injected
                        // from the transport layer (§4.2, §4.6 P9, check 47).
                        if (ctx.metadata() instanceof io.calloutd.classify.PacketMetadata m && m.aleClassifyRequired()) {
                            out.permit();
                            return;
                        }
                        PacketClone clone = v.clone();
                        boolean outbound = v.direction() == Direction.OUTBOUND;
                        out.block();
                        out.setAbsorb();
                        if (!work.submit(() -> reinject(h, clone, outbound))) clone.free();
                    };
                    try {
                        for (Layer l : new Layer[] {Layer.OUTBOUND_TRANSPORT_V4, Layer.INBOUND_TRANSPORT_V4}) {
                            s.engine().addFilter(FilterSpec.builder(l).callout(FilterAction.CALLOUT_TERMINATING, KEY)
                                    .condition(Condition.eq(Field.IP_PROTOCOL, Value.uint8(6))).build());
                        }
                    } catch (FilterValidationException e) {
                        throw new IllegalStateException(e);
                    }
                    return List.of(CalloutRegistration.builder(KEY).name("oob-inspect").classify(c).build());
                }
                static void reinject(InjectionHandle h, PacketClone c, boolean outbound) {
                    InjectionCompletion done = (ctx, pkt, status) -> pkt.free();
                    CalloutStatus st;
                    if (outbound) {
                        st = h.injectTransportSend(c, null, null, done);
                    } else {
                        c.retreat(c.dataOffset());
                        st = h.injectTransportReceive(c, c.interfaceIndex(), c.subInterfaceIndex(), null, done);
                    }
                    if (st != CalloutStatus.SUCCESS) c.free();
                }
            }
            """;

    @Test
    void outOfBandInspectionPlugInKeepsTcpIntact() throws Exception {
        Path tmp = Files.createTempDirectory("calloutd-plugin-");
        try {
            Path plugins = buildPlugin(tmp, "plug.OobInspect", SOURCE);
            try (LabTopology lab = LabTopology.create();
                 DaemonProcess daemon = DaemonProcess.startGateway(lab, JAR, "--plugin-dir", plugins.toString())) {
                Traffic.TcpResult down;
                try {
                    down = Traffic.tcpDownload(lab.client(), lab.server(), LabTopology.SERVER_V4, 5301, 1_000_000);
                } catch (Exception e) {
                    throw new AssertionError("download failed; stats " + daemon.stats() + "\nlog:\n" + daemon.log(), e);
                }
                assertThat(down.intact()).as("1 MB download through the inspecting callout").isTrue();
                Traffic.TcpResult up = Traffic.tcpDownload(lab.server(), lab.client(), LabTopology.CLIENT_V4, 5302, 200_000);
                assertThat(up.intact()).as("connection from the outside").isTrue();
                Thread.sleep(600);
                StatsSnapshot s = daemon.stats();
                Map<String, Long> callout = s.callouts().get("oob-inspect");
                assertThat(callout).as("callout stats of the plug-in: " + s.callouts()).isNotNull();
                // Every packet is seen twice (original, then its own reinjection), so at least 2 × the injections.
                long injected = s.injections().get("out");
                assertThat(injected).isGreaterThan(700); // 1 MB in ≤1500-byte segments plus the ACKs
                assertThat(callout.get("invocations")).isGreaterThanOrEqualTo(2 * injected);
                assertThat(callout.get("failures")).isZero();
                assertThat(s.injections().get("accepted")).isEqualTo(injected);
                assertThat(s.injections().get("refused")).isZero();
                assertThat(s.injections().get("blocked")).isZero();
                assertThat(s.unaccounted()).isZero();
                assertThat(s.receiverErrors()).isZero();
                assertThat(daemon.stop()).isZero();
            }
        } finally {
            try (Stream<Path> files = Files.walk(tmp)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Compiles a plug-in class against the runtime under test and jars it with its service file. */
    static Path buildPlugin(Path tmp, String className, String source) throws IOException {
        Path src = tmp.resolve("src/" + className.replace('.', '/') + ".java"), classes = tmp.resolve("classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String cp = codeSource(CalloutProvider.class) + java.io.File.pathSeparator + codeSource(io.netty.buffer.ByteBuf.class);
        assertThat(javac.run(null, null, null, "-d", classes.toString(), "-cp", cp, src.toString())).as("javac").isZero();
        Path dir = tmp.resolve("plugins");
        Files.createDirectories(dir);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(dir.resolve(className + ".jar")));
             Stream<Path> files = Files.walk(classes)) {
            out.putNextEntry(new JarEntry("META-INF/services/" + CalloutProvider.class.getName()));
            out.write((className + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
        return dir;
    }

    private static String codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new AssertionError(e);
        }
    }
}

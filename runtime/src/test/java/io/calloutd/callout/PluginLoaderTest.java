package io.calloutd.callout;

import static org.assertj.core.api.Assertions.assertThat;

import io.calloutd.engine.Direction;
import io.calloutd.engine.FilterAction;
import io.calloutd.engine.Layer;
import io.calloutd.engine.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Third-party callouts from jars via ServiceLoader (M-38): the plug-in is compiled and jarred at test time. */
class PluginLoaderTest {
    static final UUID KEY = UUID.fromString("0b0e5e1c-0000-4000-8000-00000000c0de");
    final Fixture fx = new Fixture();
    @TempDir Path tmp;

    @AfterEach void close() throws Exception { fx.close(); }

    static final String SOURCE = """
            package plug;
            import io.calloutd.callout.*;
            import java.util.List;
            import java.util.UUID;
            public class BlockingProvider implements CalloutProvider {
                public String name() { return "blocker"; }
                public String version() { return "1.2.3"; }
                public List<CalloutRegistration> callouts(CalloutServices s) {
                    return List.of(CalloutRegistration.builder(UUID.fromString("%s")).name("plug-block")
                            .classify((in, ctx, f, out) -> out.block()).build());
                }
            }
            """.formatted(KEY);

    Path buildJar(String name, String servicesLine, boolean withClass) throws IOException {
        Path src = tmp.resolve("src/plug/BlockingProvider.java"), classes = tmp.resolve("classes-" + name);
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, SOURCE);
        if (withClass) {
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            String cp = Path.of(codeSource(CalloutProvider.class)) + java.io.File.pathSeparator + Path.of(codeSource(io.netty.buffer.ByteBuf.class));
            int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", cp, src.toString());
            assertThat(rc).as("javac exit code").isZero();
        }
        Path jar = tmp.resolve("plugins/" + name + ".jar");
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("META-INF/services/" + CalloutProvider.class.getName()));
            out.write((servicesLine + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                    out.write(Files.readAllBytes(f));
                    out.closeEntry();
                }
            }
        }
        return jar;
    }

    static java.net.URI codeSource(Class<?> c) {
        try {
            return c.getProtectionDomain().getCodeSource().getLocation().toURI();
        } catch (java.net.URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void loadsACalloutFromAJarAndReportsABrokenOne() throws Exception {
        buildJar("a-good", "plug.BlockingProvider", true);
        buildJar("b-broken", "plug.Missing", false);
        PluginLoader.Result r = fx.runtime.plugins().loadDirectory(tmp.resolve("plugins"));
        assertThat(r.loaded()).hasSize(1);
        LoadedPlugin p = r.loaded().get(0);
        assertThat(p.name()).isEqualTo("blocker");
        assertThat(p.version()).isEqualTo("1.2.3");
        assertThat(p.callouts()).extracting(RegisteredCallout::key).containsExactly(KEY);
        assertThat(r.failures()).hasSize(1).allSatisfy(f -> assertThat(f).contains("b-broken.jar"));
        assertThat(fx.engine.isCalloutRegistered(KEY)).isTrue();
        fx.filter(Layer.OUTBOUND_IPPACKET_V4, FilterAction.CALLOUT_TERMINATING, KEY);
        assertThat(fx.path.indicate(Pkts.udp(1, 2, 3), Direction.OUTBOUND, null, Layer.OUTBOUND_IPPACKET_V4)).isEqualTo(Verdict.BLOCK);
        fx.runtime.plugins().close();
        assertThat(fx.engine.isCalloutRegistered(KEY)).isFalse();
        assertThat(fx.registry().registered()).isEmpty();
    }

    @Test
    void aDuplicateKeyRejectsThePlugInWithoutTouchingTheRegisteredCallout() throws Exception {
        RegisteredCallout mine = fx.registry().register(CalloutRegistration.builder(KEY).classify((in, ctx, f, out) -> { }).build());
        buildJar("dup", "plug.BlockingProvider", true);
        PluginLoader.Result r = fx.runtime.plugins().loadDirectory(tmp.resolve("plugins"));
        assertThat(r.loaded()).isEmpty();
        assertThat(r.failures()).singleElement().asString().contains("ALREADY_EXISTS");
        assertThat(fx.registry().registered()).containsExactly(mine);
    }
}

package io.calloutd.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Restricting capabilities, observed from the kernel's side (/proc/PID/task/TID/status) in a child JVM. */
class CapabilitiesTest {
    private static final long NET_ADMIN_AND_RAW = 0x3000L;

    @Test
    void maskSetsTheCapabilityBits() {
        assertThat(Capabilities.mask(Capabilities.CAP_NET_ADMIN, Capabilities.CAP_NET_RAW)).isEqualTo(NET_ADMIN_AND_RAW);
    }

    @Test
    void parsesTheCapLinesOfAStatusFile() {
        String status = "Name:\tjava\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
                + "CapEff:\t000001ffffffffff\nCapBnd:\t0000000000003000\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\n";
        assertThat(Capabilities.parseStatus(status)).containsExactly(Map.entry("CapInh", 0L),
                Map.entry("CapPrm", 0x1ffffffffffL), Map.entry("CapEff", 0x1ffffffffffL),
                Map.entry("CapBnd", 0x3000L), Map.entry("CapAmb", 0L));
    }

    @Test
    void everyThreadOfTheChildKeepsOnlyNetAdminAndNetRaw() throws Exception {
        assertThat(Capabilities.status(0).get("CapEff")).as("the test must run as root with full capabilities")
                .isNotEqualTo(NET_ADMIN_AND_RAW);
        String java = ProcessHandle.current().info().command().orElse("java");
        File out = File.createTempFile("capprobe", ".out");
        try {
            List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                    CapabilityProbe.class.getName()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out);
            pb.environment().remove(Capabilities.REEXEC_MARKER);
            Process p = pb.start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String report = Files.readString(out.toPath(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(report).isZero();

            assertThat(report).contains("pid=" + p.pid() + "\n").as("same process, re-executed").contains("reexec=true");
            List<String> tasks = report.lines().filter(l -> l.startsWith("task.") && l.contains("={")).toList();
            assertThat(tasks).as(report).hasSizeGreaterThan(10); // a JVM: GC, compiler, signal threads ...
            for (String t : tasks) {
                assertThat(t).as("every thread").contains("CapInh=12288, CapPrm=12288, CapEff=12288, CapBnd=12288, CapAmb=12288");
            }
            assertThat(report.lines().filter(l -> l.endsWith(".nnp=1")).count()).isEqualTo(tasks.size());
            assertThat(report).contains("rawSocketWithMark=ok").contains("chown=denied");
        } finally {
            Files.deleteIfExists(out.toPath());
        }
    }
}

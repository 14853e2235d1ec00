package io.calloutd.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SysctlTest {
    /** Multi-character values come back whole (Files.readString on JDK 17 returned only "4" of "40"). */
    @Test
    void readsMultiCharacterValuesAsTheSysctlToolDoes() throws Exception {
        File out = File.createTempFile("sysctl", ".out");
        try {
            Process p = new ProcessBuilder("cat", "/proc/sys/kernel/cap_last_cap").redirectOutput(out).start();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            String expected = Files.readString(out.toPath(), StandardCharsets.US_ASCII).trim();
            assertThat(expected).hasSizeGreaterThan(1);
            assertThat(Sysctl.get("kernel.cap_last_cap")).isEqualTo(expected);
        } finally {
            Files.deleteIfExists(out.toPath());
        }
    }
}

package io.calloutd.nativebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OffloadProbeTest {
    private TestNamespace ns;

    @BeforeEach
    void setUp() throws Exception {
        ns = new TestNamespace();
    }

    @AfterEach
    void tearDown() throws Exception {
        ns.close();
    }

    @Test
    void thisKernelAcceptsEveryOffloadAndTheProbeLeavesThemOff() throws Exception {
        try (TunDevice tun = NetNs.call(ns.name, () -> TunDevice.create("cbto0", 1, true))) {
            EnumSet<TunOffload> accepted = OffloadProbe.probe(tun);
            // Kernel 6.18 (>= 6.2) knows all of them, USO included.
            assertThat(accepted).containsExactlyInAnyOrder(TunOffload.values());
            // Bits the kernel does not know are refused: the probe would notice a kernel without them.
            assertThatThrownBy(() -> tun.setOffload(TunDevice.TUN_F_CSUM | 0x4000_0000))
                    .isInstanceOf(NativeException.class).hasMessageContaining("TUNSETOFFLOAD");
            // A TSO flag without CSUM is refused as well: the probe must pair it with its prerequisite.
            assertThatThrownBy(() -> tun.setOffload(TunDevice.TUN_F_TSO4)).isInstanceOf(NativeException.class);
            tun.setOffload(TunOffload.flags(accepted));
        }
    }

    @Test
    void effectiveDropsOffloadsWhosePrerequisiteIsMissing() {
        Set<TunOffload> all = EnumSet.allOf(TunOffload.class);
        assertThat(OffloadProbe.effective(EnumSet.of(TunOffload.TSO4, TunOffload.TSO6), all)).isEmpty();
        assertThat(OffloadProbe.effective(EnumSet.of(TunOffload.CSUM, TunOffload.TSO_ECN), all))
                .containsExactly(TunOffload.CSUM);
        assertThat(OffloadProbe.effective(all, EnumSet.of(TunOffload.CSUM, TunOffload.TSO4)))
                .containsExactly(TunOffload.CSUM, TunOffload.TSO4);
        assertThat(OffloadProbe.effective(all, all)).isEqualTo(all);
    }

    @Test
    void optionNamesRoundTrip() {
        for (TunOffload o : TunOffload.values()) {
            assertThat(TunOffload.parse(o.optionName().toUpperCase())).isSameAs(o);
        }
        assertThatThrownBy(() -> TunOffload.parse("ufo")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tso4");
        assertThat(TunOffload.flags(EnumSet.of(TunOffload.CSUM, TunOffload.TSO4, TunOffload.TSO6))).isEqualTo(0x07);
    }
}

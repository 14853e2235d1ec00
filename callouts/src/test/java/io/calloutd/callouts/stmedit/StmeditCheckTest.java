package io.calloutd.callouts.stmedit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calloutd.callout.CalloutFactory;
import io.calloutd.engine.Sublayer;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Check 67 and the §7.3 table: stmedit on real TCP segments through the classifier, stream layer and pipeline. */
class StmeditCheckTest {
    final StreamPath p = new StreamPath();

    @AfterEach
    void close() {
        p.close();
    }

    @Test
    void check67_defaultsTurnRainyIntoSunnyOnPort8888() throws Exception {
        p.stmedit(Map.of(), null);
        p.connect(8888);
        p.peerSends(8888, 0, "the weather is rainy today", false);
        assertThat(p.hostReads()).isEqualTo("the weather is sunny today");
    }

    @Test
    void check67_rainySplitAcrossSegmentsIsStillReplaced() throws Exception {
        p.stmedit(Map.of(), null);
        p.connect(8888);
        p.peerSends(8888, 0, "it is rai", false);
        p.peerSends(8888, 9, "ny, and cloudy", false);
        assertThat(p.hostReads()).isEqualTo("it is sunny, and sunny");
    }

    @Test
    void check67_withoutMultipleCalloutsRainyBecomesCloudy() throws Exception {
        p.stmedit(Map.of("multipleCallouts", false), null);
        p.connect(8888);
        p.peerSends(8888, 0, "rainy then cloudy", false);
        assertThat(p.hostReads()).isEqualTo("cloudy then cloudy");
    }

    @Test
    void check67_outOfBandModeGivesTheSameStream() throws Exception {
        p.stmedit(Map.of("mode", "oob"), null);
        p.connect(8888);
        p.peerSends(8888, 0, "the weather is rai", false);
        p.peerSends(8888, 18, "ny today", true);
        assertThat(p.kit.runPacketThreadUntil(p::hostGotFin, 5000)).isTrue();
        assertThat(p.hostReads()).isEqualTo("the weather is sunny today");
    }

    @Test
    void check67_theSamplesTwoSublayersChainOobThenInline() throws Exception {
        Sublayer one = p.kit.engine().addSublayer(Sublayer.of("STREAM_EDITOR_SUBLAYER_1", 0x40));
        Sublayer two = p.kit.engine().addSublayer(Sublayer.of("STREAM_EDITOR_SUBLAYER_2", 0x20));
        p.stmedit(Map.of("mode", "oob", "multipleCallouts", false), one);
        p.stmedit(Map.of("mode", "inline", "multipleCallouts", false, "find", "cloudy", "intermediate", "sunny"), two);
        p.connect(8888);
        p.peerSends(8888, 0, "rainy", false);
        p.peerSends(8888, 5, " and rai", false);
        p.peerSends(8888, 13, "ny", true);
        assertThat(p.kit.runPacketThreadUntil(p::hostGotFin, 5000)).isTrue();
        assertThat(p.hostReads()).isEqualTo("sunny and sunny");
    }

    @Test
    void streamEndingInAPartialMatchDeliversItBeforeTheFin() throws Exception {
        p.stmedit(Map.of(), null);
        p.connect(8888);
        p.peerSends(8888, 0, "bye rai", true);
        assertThat(p.hostReads()).isEqualTo("bye rai");
        assertThat(p.hostGotFin()).isTrue();
    }

    @Test
    void otherPortsAreUntouched() throws Exception {
        p.stmedit(Map.of(), null);
        p.connect(9999);
        p.peerSends(9999, 0, "rainy", false);
        p.peerSends(9999, 5, " rainy", false);
        assertThat(p.hostReads()).isEqualTo("rainy rainy");
        assertThat(p.instances.get(0).status()).containsEntry("connectionsNotInspected", 1L);
    }

    @Test
    void isInTheCatalogAndRejectsBadParameters() {
        assertThat(ServiceLoader.load(CalloutFactory.class).stream().map(s -> s.get().type())).contains("stmedit");
        assertThatThrownBy(() -> new StmeditFactory().create(Map.of("port", 0), p.kit.services()))
                .hasMessageStartingWith("port:");
        assertThatThrownBy(() -> new StmeditFactory().create(Map.of("mode", "fast"), p.kit.services()))
                .hasMessageStartingWith("mode");
        assertThatThrownBy(() -> new StmeditFactory().create(Map.of("fnd", "x"), p.kit.services()))
                .hasMessageContaining("fnd");
    }
}

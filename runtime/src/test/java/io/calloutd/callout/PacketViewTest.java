package io.calloutd.callout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.calloutd.engine.Direction;
import io.calloutd.engine.Layer;
import io.calloutd.packet.PacketParser;
import io.calloutd.packet.ParsedPacket;
import io.calloutd.testing.fragments.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.TcpPacket;

/** Layer-data positions (§1.2) and clone/reference lifetimes (§3.4) over Netty reference counts. */
class PacketViewTest {
    final TrackingAllocator alloc = new TrackingAllocator();
    final ByteBuf buf = alloc.copyOf(Pkts.tcp(40000, 443, 20));
    final ParsedPacket parsed = new ParsedPacket();
    final PacketView view = new PacketView();

    PacketViewTest() {
        assertThat(new PacketParser().parse(buf, parsed)).isNull();
    }

    @AfterEach void leaks() {
        buf.release();
        alloc.assertAllReleased();
    }

    @Test
    void check26_layerDataStartsWhereEachLayerSays() {
        byte[] raw = Pkts.tcp(40000, 443, 20);
        IpV4Packet pcap = Pkts.parse(raw);
        int ipLen = pcap.getHeader().length(), tcpLen = pcap.get(TcpPacket.class).getHeader().length();
        assertThat(view.set(parsed, Layer.INBOUND_TRANSPORT_V4, Direction.INBOUND)).isTrue();
        assertThat(view.dataOffset()).isEqualTo(ipLen + tcpLen); // TCP payload, per pcap4j
        assertThat(view.dataLength()).isEqualTo(20);
        assertThat(view.getUnsignedByte(0)).isEqualTo('a');
        view.retreat(view.ipHeaderSize() + view.transportHeaderSize());
        assertThat(view.getUnsignedByte(0) >>> 4).isEqualTo(4); // the IP version nibble
        assertThat(view.dataOffset()).isZero();
        view.set(parsed, Layer.OUTBOUND_IPPACKET_V4, Direction.OUTBOUND);
        assertThat(view.dataOffset()).isZero();
        view.set(parsed, Layer.INBOUND_IPPACKET_V4, Direction.INBOUND);
        assertThat(view.dataOffset()).isEqualTo(ipLen);
        view.set(parsed, Layer.OUTBOUND_TRANSPORT_V4, Direction.OUTBOUND);
        assertThat(view.getUnsignedShort(2)).isEqualTo(443);
        view.set(parsed, Layer.DATAGRAM_DATA_V4, Direction.INBOUND);
        assertThat(view.dataOffset()).isEqualTo(ipLen + tcpLen);
        assertThat(new PacketView().set(parsed, Layer.ALE_AUTH_CONNECT_V4, Direction.OUTBOUND)).isFalse(); // TCP connect: null
        assertThat(LayerOffsets.dataOffset(Layer.ALE_AUTH_CONNECT_V4, Direction.OUTBOUND, 17, 20, 8)).isEqualTo(20);
        assertThat(LayerOffsets.dataOffset(Layer.INBOUND_ICMP_ERROR_V4, Direction.INBOUND, 1, 20, 8)).isEqualTo(28);
        assertThat(LayerOffsets.dataOffset(Layer.STREAM_V4, Direction.INBOUND, 6, 20, 20)).isEqualTo(LayerOffsets.NO_LAYER_DATA);
        assertThatThrownBy(() -> view.advance(1000)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void cloneSharesBytesHoldsOneReferenceAndInheritsTheOffset() {
        view.set(parsed, Layer.INBOUND_TRANSPORT_V4, Direction.INBOUND);
        PacketClone c = view.clone();
        assertThat(buf.refCnt()).isEqualTo(2);
        assertThat(c.dataOffset()).isEqualTo(view.dataOffset());
        assertThat(c.length()).isEqualTo(parsed.ipLength());
        assertThat(c.isShared()).isTrue();
        assertThatThrownBy(c::writable).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> c.segment(0).setByte(0, 1)).isInstanceOf(java.nio.ReadOnlyBufferException.class);
        c.free();
        assertThat(buf.refCnt()).isEqualTo(1);
        assertThatThrownBy(c::free).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void referenceOutlivesTheOwnersReleaseAndReleasesOnce() {
        view.set(parsed, Layer.INBOUND_TRANSPORT_V4, Direction.INBOUND);
        PacketReference ref = view.reference(true);
        assertThat(buf.refCnt()).isEqualTo(2);
        PacketClone deep = ref.deepCopy(alloc);
        deep.writable().setByte(0, 0x45);
        assertThat(deep.isShared()).isFalse();
        ref.release();
        assertThatThrownBy(ref::release).isInstanceOf(IllegalStateException.class);
        assertThat(buf.refCnt()).isEqualTo(1);
        deep.free();
    }

    @Test
    void check36_freeingACloneWithAChangedSegmentListFailsUntilRestored() {
        view.set(parsed, Layer.OUTBOUND_IPPACKET_V4, Direction.OUTBOUND);
        PacketClone c = view.clone();
        ByteBuf mine = alloc.buffer(4).writeInt(1);
        ByteBuf original = c.replaceSegment(0, mine);
        assertThat(c.layoutRestored()).isFalse();
        assertThatThrownBy(c::free).isInstanceOf(CloneLayoutException.class);
        assertThat(buf.refCnt()).isEqualTo(2); // nothing was released
        c.insertSegment(1, original);
        assertThatThrownBy(c::free).isInstanceOf(CloneLayoutException.class);
        c.removeSegment(0);
        assertThat(c.layoutRestored()).isTrue();
        c.free();
        mine.release();
        assertThat(buf.refCnt()).isEqualTo(1);
    }

    @Test
    void multiSegmentCloneInjectsTheConcatenation() {
        view.set(parsed, Layer.OUTBOUND_IPPACKET_V4, Direction.OUTBOUND);
        PacketClone c = view.clone();
        ByteBuf tail = alloc.buffer(3).writeBytes(new byte[] {1, 2, 3});
        c.insertSegment(1, tail);
        ByteBuf all = c.retainedBytesFrom(parsed.ipLength() - 2);
        byte[] got = new byte[all.readableBytes()];
        all.getBytes(all.readerIndex(), got);
        assertThat(got).containsExactly('a', 'a', 1, 2, 3);
        all.release();
        c.removeSegment(1).release();
        c.free();
    }
}

package io.calloutd.testing.packets;

import org.pcap4j.packet.FragmentedPacket;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV6CommonPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV6ExtDestinationOptionsPacket;
import org.pcap4j.packet.IpV6ExtFragmentPacket;
import org.pcap4j.packet.IpV6ExtHopByHopOptionsPacket;
import org.pcap4j.packet.IpV6ExtRoutingPacket;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.UdpPacket;

/**
 * Layer offsets of a packet as pcap4j sees them, relative to the IP header: the independent oracle
 * for {@code ParsedPacket}'s offsets.
 */
public final class Pcap4jOracle {
    /** The pcap4j IP packet. */
    public final Packet ip;
    /** 4 or 6. */
    public final int version;
    /** Network header length including IPv6 extension headers seen by pcap4j. */
    public int networkHeaderLength;
    /** Number of IPv6 extension headers pcap4j decoded. */
    public int extensionCount;
    /** Relative offset of the IPv6 fragment header, or -1. */
    public int fragmentHeaderOffset = -1;
    /** IPv6 fragment header, if any. */
    public IpV6ExtFragmentPacket v6Fragment;
    /** The transport layer pcap4j decoded (TcpPacket, UdpPacket, Icmp*CommonPacket), or null. */
    public Packet transport;
    /** True if pcap4j stopped at fragmented data. */
    public boolean fragmentedData;

    /** Walks pcap4j's layer chain of {@code raw}. */
    public Pcap4jOracle(byte[] raw) {
        ip = TestPackets.parse(raw);
        Packet q;
        if (ip instanceof IpV4Packet) {
            version = 4;
            networkHeaderLength = ip.getHeader().length();
            q = ip.getPayload();
        } else {
            version = 6;
            networkHeaderLength = ((IpV6Packet) ip).getHeader().length();
            q = ip.getPayload();
            while (q instanceof IpV6ExtHopByHopOptionsPacket || q instanceof IpV6ExtRoutingPacket
                    || q instanceof IpV6ExtDestinationOptionsPacket || q instanceof IpV6ExtFragmentPacket) {
                if (q instanceof IpV6ExtFragmentPacket) {
                    fragmentHeaderOffset = networkHeaderLength;
                    v6Fragment = (IpV6ExtFragmentPacket) q;
                }
                networkHeaderLength += q.getHeader().length();
                extensionCount++;
                q = q.getPayload();
            }
        }
        if (q instanceof TcpPacket || q instanceof UdpPacket || q instanceof IcmpV4CommonPacket
                || q instanceof IcmpV6CommonPacket) {
            transport = q;
        }
        fragmentedData = q instanceof FragmentedPacket;
    }
}

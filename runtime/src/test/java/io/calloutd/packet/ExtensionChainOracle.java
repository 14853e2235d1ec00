package io.calloutd.packet;

import java.util.ArrayList;
import java.util.List;

/**
 * Test oracle: an independent, deliberately plain IPv6 extension-chain walk over a byte array (RFC 8200 §4 and
 * the limits {@link Ipv6ExtensionChain} documents), used to check the production walker field by field.
 * Offsets are relative to the IPv6 header.
 */
final class ExtensionChainOracle {
    final List<Integer> types = new ArrayList<>();
    final List<Integer> offsets = new ArrayList<>();
    DropReason reason;
    int upperProtocol;
    int upperOffset;
    int nextHeaderField;
    int fragmentOffset = -1;
    boolean nonFirstFragment;

    private ExtensionChainOracle() {}

    /** Walks the chain of the packet {@code p}, which ends (exclusive) at {@code end}. */
    static ExtensionChainOracle walk(byte[] p, int end) {
        ExtensionChainOracle r = new ExtensionChainOracle();
        int field = 6;
        int pos = 40;
        while (true) {
            int type = p[field] & 0xff;
            boolean extension = type == 0 || type == 43 || type == 60 || type == 51 || type == 44;
            if (!extension) {
                r.upperProtocol = type;
                r.upperOffset = pos;
                r.nextHeaderField = field;
                return r;
            }
            if (type == 0 && !r.types.isEmpty()) {
                return r.fail(DropReason.IPV6_BAD_EXTENSION_CHAIN); // hop-by-hop only first
            }
            if (type == 44 && r.fragmentOffset >= 0) {
                return r.fail(DropReason.IPV6_BAD_EXTENSION_CHAIN); // one fragment header at most
            }
            int length;
            if (type == 44) {
                length = 8;
            } else {
                if (pos + 2 > end) {
                    return r.fail(DropReason.IPV6_EXTENSION_TRUNCATED);
                }
                int hdrExtLen = p[pos + 1] & 0xff;
                length = type == 51 ? 4 * (hdrExtLen + 2) : 8 * (hdrExtLen + 1);
            }
            if (r.types.size() == Ipv6ExtensionChain.MAX_HEADERS) {
                return r.fail(DropReason.IPV6_TOO_MANY_EXTENSIONS);
            }
            if (pos + length > end) {
                return r.fail(DropReason.IPV6_EXTENSION_TRUNCATED);
            }
            if (pos + length - 40 > Ipv6ExtensionChain.MAX_CHAIN_BYTES) {
                return r.fail(DropReason.IPV6_EXTENSION_CHAIN_TOO_LONG);
            }
            r.types.add(type);
            r.offsets.add(pos);
            if (type == 44) {
                r.fragmentOffset = pos;
                int offsetField = ((p[pos + 2] & 0xff) << 8 | (p[pos + 3] & 0xff)) >>> 3;
                if (offsetField != 0) {
                    // The rest is the middle of the original datagram: not parseable.
                    r.nonFirstFragment = true;
                    r.upperProtocol = p[pos] & 0xff;
                    r.upperOffset = pos + 8;
                    r.nextHeaderField = pos;
                    return r;
                }
            }
            field = pos;
            pos += length;
        }
    }

    private ExtensionChainOracle fail(DropReason why) {
        reason = why;
        return this;
    }
}

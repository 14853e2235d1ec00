package io.calloutd.nativebridge;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds one netlink request ({@code nlmsghdr}, the family header, then {@code rtattr}s) in a reusable buffer, and
 * parses the attributes of replies. Netlink is host byte order, attributes are 4-byte aligned.
 */
final class NetlinkMessage {
    static final int HEADER = 16;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    /** Set on an error message whose echoed request was cut down to its header. */
    static final int NLM_F_CAPPED = 0x100;
    /** Set on an error message that carries extended-ack attributes after the echoed header. */
    static final int NLM_F_ACK_TLVS = 0x200;
    /** Extended ack attribute: the kernel's human-readable reason. */
    static final int NLMSGERR_ATTR_MSG = 1;
    /** Attribute type bits (the top two are the nested / byte-order flags). */
    private static final int NLA_TYPE_MASK = 0x3fff;

    final ByteBuffer buf;
    private int type;
    private int flags;

    NetlinkMessage(ByteBuffer buf) {
        this.buf = buf.order(ByteOrder.nativeOrder());
    }

    /** Starts a new message: the header is written by {@link #finish}. */
    NetlinkMessage begin(int type, int flags) {
        this.type = type;
        this.flags = flags | NLM_F_REQUEST;
        buf.clear();
        buf.position(HEADER);
        return this;
    }

    NetlinkMessage u8(int v) {
        buf.put((byte) v);
        return this;
    }

    NetlinkMessage u16(int v) {
        buf.putShort((short) v);
        return this;
    }

    NetlinkMessage u32(int v) {
        buf.putInt(v);
        return this;
    }

    NetlinkMessage attr(int attrType, byte[] value) {
        align();
        buf.putShort((short) (4 + value.length)).putShort((short) attrType).put(value);
        align();
        return this;
    }

    NetlinkMessage attrU32(int attrType, int value) {
        align();
        buf.putShort((short) 8).putShort((short) attrType).putInt(value);
        return this;
    }

    /** A NUL-terminated string attribute (interface names). */
    NetlinkMessage attrString(int attrType, String value) {
        byte[] s = value.getBytes(StandardCharsets.US_ASCII);
        byte[] z = new byte[s.length + 1];
        System.arraycopy(s, 0, z, 0, s.length);
        return attr(attrType, z);
    }

    /** Writes the header; the message occupies bytes 0..limit of {@link #buf} afterwards. */
    int finish(int seq) {
        align();
        int len = buf.position();
        buf.putInt(0, len).putShort(4, (short) type).putShort(6, (short) flags).putInt(8, seq).putInt(12, 0);
        buf.flip();
        return len;
    }

    int type() {
        return type;
    }

    private void align() {
        while ((buf.position() & 3) != 0) {
            buf.put((byte) 0);
        }
    }

    /**
     * Parses the attributes in {@code msg} from absolute offset {@code from} to {@code to}.
     *
     * @return attribute type to a slice holding exactly its value (native byte order); the last one wins
     */
    static Map<Integer, ByteBuffer> attributes(ByteBuffer msg, int from, int to) {
        Map<Integer, ByteBuffer> attrs = new HashMap<>();
        int p = from;
        while (p + 4 <= to) {
            int len = msg.getShort(p) & 0xffff;
            int attrType = msg.getShort(p + 2) & NLA_TYPE_MASK;
            if (len < 4 || p + len > to) {
                break; // truncated: keep what parsed cleanly
            }
            attrs.put(attrType, msg.slice(p + 4, len - 4).order(ByteOrder.nativeOrder()));
            p += (len + 3) & ~3;
        }
        return attrs;
    }

    /** @return the attribute as a string without its trailing NUL, or null if absent */
    static String string(Map<Integer, ByteBuffer> attrs, int attrType) {
        ByteBuffer b = attrs.get(attrType);
        if (b == null) {
            return null;
        }
        int n = b.remaining();
        while (n > 0 && b.get(b.position() + n - 1) == 0) {
            n--;
        }
        byte[] s = new byte[n];
        b.duplicate().get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    /** @return the attribute as an unsigned 32-bit value, or {@code absent} */
    static long u32(Map<Integer, ByteBuffer> attrs, int attrType, long absent) {
        ByteBuffer b = attrs.get(attrType);
        return b == null || b.remaining() < 4 ? absent : b.getInt(0) & 0xffffffffL;
    }

    /** @return the attribute's raw bytes, or null */
    static byte[] bytes(Map<Integer, ByteBuffer> attrs, int attrType) {
        ByteBuffer b = attrs.get(attrType);
        if (b == null) {
            return null;
        }
        byte[] r = new byte[b.remaining()];
        b.duplicate().get(r);
        return r;
    }
}

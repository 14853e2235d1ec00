package io.calloutd.engine;

/** Bits of the {@link Field#FLAGS} field ({@code FWP_CONDITION_FLAG_*}, values from fwptypes.h, §1.3). */
public final class ConditionFlags {
    public static final int IS_LOOPBACK = 0x1;
    public static final int IS_IPSEC_SECURED = 0x2;
    public static final int IS_REAUTHORIZE = 0x4;
    public static final int IS_WILDCARD_BIND = 0x8;
    public static final int IS_RAW_ENDPOINT = 0x10;
    public static final int IS_FRAGMENT = 0x20;
    public static final int IS_FRAGMENT_GROUP = 0x40;
    public static final int IS_REASSEMBLED = 0x400;
    public static final int IS_RECLASSIFY = 0x20000;
    public static final int IS_CONNECTION_REDIRECTED = 0x100000;

    private ConditionFlags() { }
}

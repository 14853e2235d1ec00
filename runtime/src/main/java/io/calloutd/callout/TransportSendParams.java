package io.calloutd.callout;

/**
 * Extra arguments of transport send injection ({@code FWPS_TRANSPORT_SEND_PARAMS}, §4.2).
 *
 * @param remoteAddress  remote address in network order (4 or 16 bytes), copied by the runtime
 * @param remoteScopeId  IPv6 scope id, 0 if none
 */
public record TransportSendParams(byte[] remoteAddress, int remoteScopeId) {
    /** Copies the address. */
    public TransportSendParams {
        if (remoteAddress == null || (remoteAddress.length != 4 && remoteAddress.length != 16)) {
            throw new IllegalArgumentException("remote address must be 4 or 16 bytes");
        }
        remoteAddress = remoteAddress.clone();
    }

    /** A copy of the remote address. */
    @Override public byte[] remoteAddress() { return remoteAddress.clone(); }
}

package io.calloutd.callouts.stmedit;

/**
 * Parameters of one stmedit instance (the sample's registry values, §6.5).
 *
 * @param localPort        inspected local port (0 = any)
 * @param remotePort       inspected remote port (0 = any); one of the two must be set
 * @param inbound          edit inbound data
 * @param outbound         edit outbound data
 * @param find             the string to find ({@code StringToFind})
 * @param intermediate     what the out-of-band set writes ({@code StringX})
 * @param replace          what the inline set writes ({@code StringToReplace})
 * @param multipleCallouts both sets chained (find and intermediate become replace) vs set 1 only (find becomes
 *                         intermediate)
 * @param oob              out-of-band editing (clone, block, worker, inject) vs inline (permit/inject/block)
 * @param busyThreshold    out-of-band: pending inbound bytes above which the stream is deferred
 */
record StmeditConfig(int localPort, int remotePort, boolean inbound, boolean outbound, String find,
                     String intermediate, String replace, boolean multipleCallouts, boolean oob, int busyThreshold) {

    Patterns patterns() {
        return multipleCallouts
                ? new Patterns(new String[] {find, intermediate}, new String[] {replace, replace})
                : new Patterns(new String[] {find}, new String[] {intermediate});
    }
}

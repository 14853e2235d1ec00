package io.calloutd.inject;

/** The two ways a packet re-enters the kernel (WFP's receive and send injection). */
public enum InjectionPath {
    /** Written to the TUN device: the kernel sees it arrive on the TUN and routes/forwards it. */
    RECEIVE,
    /** Sent through a raw socket carrying the firewall mark that routing exempts from the TUN. */
    SEND
}

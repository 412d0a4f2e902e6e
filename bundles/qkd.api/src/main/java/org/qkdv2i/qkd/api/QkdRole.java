package org.qkdv2i.qkd.api;

/** Physical role of a link end (ETSI GS QKD 015 {@code phys_qkd_role}). */
public enum QkdRole {
    /** Sends the quantum states (Alice). */
    TRANSMITTER,
    /** Measures them (Bob). */
    RECEIVER,
    /** Both, e.g. a plug-and-play or entanglement-based end. */
    TRANSCEIVER
}

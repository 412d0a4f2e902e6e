package org.qkdv2i.zap.api;

/** The two kinds of Device Authentication Unit of paper Figure 4. */
public enum DauKind {
    /** DAU-N: secures the network side (base station to RSU over the data link). */
    DAU_N,
    /** DAU-V: secures the last drop to the vehicle (RSU to OBU over 802.11p or C-V2X). */
    DAU_V
}

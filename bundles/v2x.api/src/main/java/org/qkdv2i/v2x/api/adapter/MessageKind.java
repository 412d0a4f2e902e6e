package org.qkdv2i.v2x.api.adapter;

/** Kinds of {@link V2xContent}. */
public enum MessageKind {
    CAM, DENM, BSM, PAYLOAD
}

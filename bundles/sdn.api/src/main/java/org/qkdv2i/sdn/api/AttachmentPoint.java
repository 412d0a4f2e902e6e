package org.qkdv2i.sdn.api;

/**
 * {@code qkdi_att_point}: where an interface attaches to an optical switch.
 *
 * @param device the switch (or passive component); null if absent
 * @param port   its port (uint32); null if absent
 */
public record AttachmentPoint(String device, Long port) {

    public AttachmentPoint {
        Checks.uint32(port, "port");
    }
}

package org.qkdv2i.sdn.api;

/**
 * {@code qkd_interfaces/qkd_interface[qkdi_id]}: a QKD module of the node, abstracted as
 * one of its interfaces (ETSI GS QKD 015 §6).
 *
 * @param qkdiId           the interface number (uint32), unique in the node (the list key)
 * @param qkdiModel        vendor/device; null if absent
 * @param qkdiType         the QKD technology; null if absent
 * @param qkdiAttPoint     attachment to an optical switch; null if absent
 * @param qkdiCapabilities its capabilities; null if absent
 * @param qkdiStatus       its status (state data); null if absent
 */
public record QkdInterface(long qkdiId, String qkdiModel, QkdTechnology qkdiType, AttachmentPoint qkdiAttPoint,
        InterfaceCapabilities qkdiCapabilities, QkdiStatus qkdiStatus) {

    public QkdInterface {
        Checks.uint32(qkdiId, "qkdi_id");
    }
}

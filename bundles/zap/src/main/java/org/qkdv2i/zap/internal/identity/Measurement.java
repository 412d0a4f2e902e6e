package org.qkdv2i.zap.internal.identity;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.MeasuredComponent;
import org.qkdv2i.zap.internal.crypto.Kdf;

/**
 * The device measurement (paper §3: the identity is derived "from the device hardware,
 * software, and system configuration") and the device ID derived from it.
 */
public final class Measurement {

    private Measurement() {
    }

    public static MeasuredComponent hardware(String name, String value) {
        return new MeasuredComponent(MeasuredComponent.Kind.HARDWARE, name, Kdf.sha256(Kdf.utf8(value)));
    }

    /** One software component: a bundle's symbolic name and version. */
    public static MeasuredComponent software(String symbolicName, String version) {
        return new MeasuredComponent(MeasuredComponent.Kind.SOFTWARE, symbolicName,
                Kdf.sha256(Kdf.utf8(symbolicName + "@" + version)));
    }

    public static MeasuredComponent configuration(String name, DauKind kind, DeviceRole role, String zone) {
        return new MeasuredComponent(MeasuredComponent.Kind.CONFIGURATION, "dau",
                Kdf.sha256Framed(Kdf.utf8(name), Kdf.utf8(kind.name()), Kdf.utf8(role.name()), Kdf.utf8(zone)));
    }

    /** HARDWARE (PUF id, hardware string), SOFTWARE (given, sorted), CONFIGURATION (this DAU). */
    public static List<MeasuredComponent> of(String pufId, String hardware, List<MeasuredComponent> software,
            String name, DauKind kind, DeviceRole role, String zone) {
        List<MeasuredComponent> all = new ArrayList<>();
        all.add(hardware("puf", pufId));
        all.add(hardware("hardware", hardware == null ? "" : hardware));
        all.addAll(software);
        all.add(configuration(name, kind, role, zone));
        return sorted(all);
    }

    static List<MeasuredComponent> sorted(List<MeasuredComponent> components) {
        List<MeasuredComponent> s = new ArrayList<>(components);
        s.sort(Comparator.comparing(MeasuredComponent::kind).thenComparing(MeasuredComponent::name)
                .thenComparing(c -> HexFormat.of().formatHex(c.sha256())));
        return s;
    }

    /** SHA-256 over the canonical (sorted, length-prefixed) encoding of the components. */
    public static byte[] digest(List<MeasuredComponent> components) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF("qkdv2i/measurement/v1");
            List<MeasuredComponent> s = sorted(components);
            out.writeInt(s.size());
            for (MeasuredComponent c : s) {
                out.writeByte(c.kind().ordinal());
                out.writeUTF(c.name());
                out.write(c.sha256());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Kdf.sha256(bytes.toByteArray());
    }

    /** DeviceId = first 16 bytes of KMAC256(deviceSecret, measurementDigest, "qkdv2i/device-id/v1"). */
    public static DeviceId deviceId(byte[] deviceSecret, byte[] measurementDigest) {
        byte[] full = Kdf.kmac(deviceSecret, "qkdv2i/device-id/v1", measurementDigest);
        return new DeviceId(HexFormat.of().formatHex(full, 0, 16));
    }

    public static byte[] idBytes(DeviceId id) {
        return HexFormat.of().parseHex(id.value());
    }
}

package org.qkdv2i.shell.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.qkdv2i.zap.api.DeviceAuthenticationUnit;
import org.qkdv2i.zap.api.IdentityDirectory;
import org.qkdv2i.zap.api.IdentityRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gogo commands {@code zap:daus} and {@code zap:identity} over the DAUs in the framework.
 * DAUs and the identity directory come and go (dynamic, greedy). Enabled by
 * {@link SecurityCommandsGate} only when {@code org.qkdv2i.zap.api} is wired to this bundle.
 */
@Component(name = SecurityCommandsGate.ZAP_COMMANDS, enabled = false, service = ZapCommands.class, property = {
        "osgi.command.scope=zap",
        "osgi.command.function=daus",
        "osgi.command.function=identity"})
public class ZapCommands {

    private static final Logger LOG = LoggerFactory.getLogger(ZapCommands.class);

    private final DauRegistry daus = new DauRegistry();
    private volatile IdentityDirectory directory;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, updated = "updatedDeviceAuthenticationUnit")
    void bindDeviceAuthenticationUnit(DeviceAuthenticationUnit dau, Map<String, Object> props) {
        daus.add(dau, props);
    }

    void updatedDeviceAuthenticationUnit(DeviceAuthenticationUnit dau, Map<String, Object> props) {
        daus.add(dau, props);
    }

    void unbindDeviceAuthenticationUnit(DeviceAuthenticationUnit dau) {
        daus.remove(dau);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindIdentityDirectory(IdentityDirectory d) {
        directory = d;
    }

    void unbindIdentityDirectory(IdentityDirectory d) {
        if (directory == d) {
            directory = null;
        }
    }

    @Descriptor("DAUs in this framework: name, device ID, kind, role, zone, state in the identity log")
    public String daus() {
        return SecurityViews.daus(daus.list(directory)).stripTrailing();
    }

    @Descriptor("print a DAU's identity record (public: no secret) in the record file format")
    public String identity(@Descriptor("DAU name (zap:daus)") String dauName) {
        try {
            return IdentityRecordFile.write(daus.record(dauName)).stripTrailing();
        } catch (Refusal r) {
            return r.getMessage();
        }
    }

    @Descriptor("write a DAU's identity record to a new file, to carry it to a base station (dpn:enrol <file>)")
    public String identity(@Descriptor("DAU name (zap:daus)") String dauName,
            @Descriptor("file to create (relative to the node home); an existing file is not overwritten") String file) {
        try {
            IdentityRecord r = daus.record(dauName);
            Path p = Commands.file(file);
            write(p, IdentityRecordFile.write(r));
            LOG.info("identity record of DAU {} (device {}) written to {}", r.name(), r.id(), p);
            return "wrote the identity record of " + r.name() + " (device " + r.id() + ", " + r.role() + " "
                    + r.kind() + ", zone " + r.zone() + ") to " + p + "\nenrol it at a base station: dpn:enrol " + p;
        } catch (Refusal r) {
            return r.getMessage();
        }
    }

    private static void write(Path p, String text) throws Refusal {
        try {
            // CREATE_NEW: a record file is what a base station will enrol; never replace one silently
            Files.writeString(p, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new Refusal("not written: " + p + " exists (remove it or choose another name)");
        } catch (NoSuchFileException e) {
            throw new Refusal("not written: folder " + p.getParent() + " does not exist");
        } catch (AccessDeniedException e) {
            throw new Refusal("not written: no permission to create " + p);
        } catch (IOException e) {
            throw new Refusal("not written: " + p + ": " + Commands.describe(e));
        }
    }
}

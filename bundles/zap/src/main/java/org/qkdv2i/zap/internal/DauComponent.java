package org.qkdv2i.zap.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.qkdv2i.zap.api.AuthenticationException;
import org.qkdv2i.zap.api.DauKind;
import org.qkdv2i.zap.api.DeviceAuthenticationUnit;
import org.qkdv2i.zap.api.DeviceId;
import org.qkdv2i.zap.api.DeviceRole;
import org.qkdv2i.zap.api.IdentityDirectory;
import org.qkdv2i.zap.api.IdentityRecord;
import org.qkdv2i.zap.api.MeasuredComponent;
import org.qkdv2i.zap.api.Puf;
import org.qkdv2i.zap.api.UnitAuthentication;
import org.qkdv2i.zap.internal.fuzzy.FuzzyExtractor;
import org.qkdv2i.zap.internal.fuzzy.ReconstructionException;
import org.qkdv2i.zap.internal.identity.Measurement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Device Authentication Unit (paper §3-4, Figure 4), one per factory configuration
 * {@value #PID}. On start it enrols its PUF (first start) or reconstructs the device secret
 * from a fresh read and the stored helper data, measures the device (PUF, hardware string,
 * the framework's bundles, its own configuration), derives its ID and keys, and registers
 * {@link DeviceAuthenticationUnit} with {@code dau.name}, {@code dau.id}, {@code dau.kind},
 * {@code dau.role} and {@code dau.zone}. It registers the service itself because
 * {@code dau.id} is only known once the PUF secret is reconstructed; if that fails it logs
 * one line and registers nothing.
 *
 * <p>Outside OSGi (other modules' JUnit): {@link #create}.
 */
// the service is registered in the constructor (dau.id is known only then): declare it for resolvers
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=\"org.qkdv2i.zap.api.DeviceAuthenticationUnit\"",
        uses = DeviceAuthenticationUnit.class)
@Component(name = DauComponent.PID, configurationPid = DauComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, service = {}, immediate = true)
@Designate(ocd = DauComponent.Config.class, factory = true)
public final class DauComponent implements DeviceAuthenticationUnit, AutoCloseable {

    public static final String PID = "org.qkdv2i.zap.Dau";

    private static final Logger LOG = LoggerFactory.getLogger(DauComponent.class);

    @ObjectClassDefinition(name = "QKD-V2I Device Authentication Unit", description = "A DAU (DAU-N or DAU-V) "
            + "rooted in the PUF whose puf.device matches; one factory configuration per DAU of the device.")
    public @interface Config {
        @AttributeDefinition(description = "Device/DAU name (service property dau.name), e.g. bs-E, rsu-7-n")
        String name();

        @AttributeDefinition(description = "DAU_N (network side) or DAU_V (vehicle side)")
        DauKind kind() default DauKind.DAU_N;

        @AttributeDefinition(description = "BASE_STATION, RSU, VEHICLE or CONTROLLER")
        DeviceRole role();

        @AttributeDefinition(description = "Micro-segment (DPN policy zone)")
        String zone() default "default";

        @AttributeDefinition(description = "Hardware description measured into the identity (model, serial)")
        String hardware() default "";

        @AttributeDefinition(description = "Folder for helper data, identity file and sealed relations")
        String stateDir();

        @AttributeDefinition(description = "Bundles measured into the identity (SOFTWARE): comma-separated symbolic-name "
                + "globs, e.g. org.qkdv2i.*,org.apache.felix.*; only bundles installed before the DAU starts count, so "
                + "leave out bundles a deploy folder adds later")
        String measuredBundles() default "*";

        @AttributeDefinition(name = "puf.target", description = "Filter selecting the PUF; set it to "
                + "(puf.device=<name>) when several PUFs are registered (a bound PUF of another device is refused)")
        String puf_target() default "(puf.device=*)";

        @AttributeDefinition(description = "PUF reads averaged (per-cell majority) at enrolment; odd")
        int enrolmentReads() default FuzzyExtractor.ENROLMENT_READS;

        @AttributeDefinition(description = "First handshake messages remembered against replay")
        int replayCacheSize() default 4096;
    }

    private final AtomicReference<IdentityDirectory> directory = new AtomicReference<>();
    private final IdentityDirectory.Listener listener = this::directoryChanged;
    private final DauCore core;
    private final String name;
    private volatile ServiceRegistration<DeviceAuthenticationUnit> registration;

    @Activate
    public DauComponent(Config config, BundleContext context,
            @Reference(name = "puf", service = Puf.class) Map.Entry<Map<String, Object>, Puf> puf) {
        this.name = config.name();
        DauCore started = null;
        try {
            DauSettings settings = new DauSettings(config.name(), config.kind(), config.role(), config.zone(),
                    config.hardware(), config.stateDir() == null ? null : Path.of(config.stateDir()),
                    config.enrolmentReads(), config.replayCacheSize());
            Object device = puf.getKey().get(Puf.DEVICE);
            if (!settings.name().equals(device)) {
                throw new IllegalArgumentException("bound PUF " + puf.getValue().id() + " belongs to device " + device
                        + "; set puf.target=(puf.device=" + settings.name() + ")");
            }
            started = new DauCore(puf.getValue(), settings, bundles(context, config.measuredBundles()),
                    this::currentDirectory,
                    Clock.systemUTC(), new SecureRandom());
        } catch (IOException | ReconstructionException | RuntimeException e) {
            LOG.error("DAU {}: not started, no identity: {}", name, e.getMessage());
        }
        this.core = started;
        if (core != null) {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put(NAME, core.record.name());
            props.put(ID, core.record.id().value());
            props.put(KIND, core.record.kind().name());
            props.put(ROLE, core.record.role().name());
            props.put(ZONE, core.record.zone());
            registration = context.registerService(DeviceAuthenticationUnit.class, this, props);
        }
    }

    private DauComponent(DauCore core) {
        this.core = core;
        this.name = core.settings.name();
    }

    /**
     * A started DAU without OSGi (for JUnit in any module): enrols or reconstructs from
     * {@code puf}, measures {@code software} in place of the framework's bundles.
     *
     * @param directory the identity directory, if any (also settable later: {@link #setDirectory})
     * @throws IOException             state files unreadable/unwritable
     * @throws ReconstructionException the device secret could not be reconstructed
     */
    public static DauComponent create(Puf puf, DauSettings settings, List<MeasuredComponent> software,
            Optional<IdentityDirectory> directory, Clock clock, SecureRandom random)
            throws IOException, ReconstructionException {
        AtomicReference<DauComponent> self = new AtomicReference<>();
        DauCore core = new DauCore(puf, settings, software,
                () -> self.get() == null ? Optional.empty() : self.get().currentDirectory(), clock, random);
        DauComponent dau = new DauComponent(core);
        self.set(dau);
        directory.ifPresent(dau::setDirectory);
        return dau;
    }

    /** The SOFTWARE part of the measurement: installed bundles whose symbolic name matches a glob. */
    static List<MeasuredComponent> bundles(BundleContext context, String globs) {
        List<java.util.regex.Pattern> patterns = new ArrayList<>();
        for (String g : (globs == null || globs.isBlank() ? "*" : globs).split(",")) {
            if (!g.isBlank()) {
                patterns.add(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(g.strip())
                        .replace("*", "\\E.*\\Q")));
            }
        }
        List<MeasuredComponent> out = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            String bsn = b.getSymbolicName();
            if (bsn != null && patterns.stream().anyMatch(p -> p.matcher(bsn).matches())) {
                out.add(Measurement.software(bsn, b.getVersion().toString()));
            }
        }
        return out;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDirectory(IdentityDirectory d) {
        setDirectory(d);
    }

    void unbindDirectory(IdentityDirectory d) {
        if (directory.compareAndSet(d, null)) {
            d.removeListener(listener);
        }
    }

    /** Uses {@code d} from now on (replacing any other); null removes the directory. */
    public void setDirectory(IdentityDirectory d) {
        IdentityDirectory old = directory.getAndSet(d);
        if (old != null && old != d) {
            old.removeListener(listener);
        }
        if (d != null && d != old) {
            d.addListener(listener);
        }
    }

    private Optional<IdentityDirectory> currentDirectory() {
        return Optional.ofNullable(directory.get());
    }

    private void directoryChanged(DeviceId id, boolean revoked) {
        if (!revoked || core == null) {
            return;
        }
        if (id.equals(core.record.id())) {
            LOG.warn("DAU {}: this DAU's own identity {} was revoked", name, id);
        } else {
            core.engine.revoked(id);
        }
    }

    @Override
    public DeviceId id() {
        return started().record.id();
    }

    @Override
    public IdentityRecord identityRecord() {
        return started().record;
    }

    @Override
    public UnitAuthentication initiate(DeviceId expectedPeer) throws AuthenticationException {
        if (core == null) {
            throw new AuthenticationException(AuthenticationException.Reason.UNAVAILABLE,
                    "DAU " + name + " has no identity (PUF secret not reconstructed)");
        }
        return core.engine.initiate(expectedPeer);
    }

    @Override
    public UnitAuthentication respond() {
        return started().engine.respond();
    }

    private DauCore started() {
        if (core == null) {
            throw new IllegalStateException("DAU " + name + " has no identity (PUF secret not reconstructed)");
        }
        return core;
    }

    @Deactivate
    @Override
    public void close() {
        ServiceRegistration<DeviceAuthenticationUnit> reg = registration;
        registration = null;
        if (reg != null) {
            try {
                reg.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregistered it while stopping the bundle
            }
        }
        setDirectory(null);
        if (core != null) {
            core.close();
        }
    }

    @Override
    public String toString() {
        return "DAU " + name + (core == null ? " (no identity)" : " " + core.record.id());
    }
}

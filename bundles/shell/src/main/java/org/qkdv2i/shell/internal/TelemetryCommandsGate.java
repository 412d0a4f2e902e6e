package org.qkdv2i.shell.internal;

import java.util.HashSet;
import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the {@code telemetry:} commands on only when {@code org.qkdv2i.telemetry.api} is wired
 * to this bundle (imported with {@code resolution:=optional}, as {@link SecurityCommandsGate}
 * does for zap/dpn), so the shell runs in a framework without telemetry and SCR never loads
 * {@link TelemetryCommands} there. This class must not mention a type of that package.
 */
@Component(immediate = true)
public class TelemetryCommandsGate {

    private static final Logger LOG = LoggerFactory.getLogger(TelemetryCommandsGate.class);

    static final String TELEMETRY_COMMANDS = "org.qkdv2i.shell.telemetry";
    static final String TELEMETRY_API = "org.qkdv2i.telemetry.api";

    private final ComponentContext context;
    private final boolean enabled;

    @Activate
    public TelemetryCommandsGate(ComponentContext context) {
        this.context = context;
        this.enabled = enable(wiredPackages(context.getBundleContext().getBundle()));
        if (enabled) {
            context.enableComponent(TELEMETRY_COMMANDS);
        } else {
            LOG.info("shell: no telemetry: commands (package {} not wired to this bundle; install "
                    + "org.qkdv2i.telemetry.api, then refresh org.qkdv2i.shell)", TELEMETRY_API);
        }
    }

    @Deactivate
    void deactivate() {
        // only when the gate alone goes (scr:disable); a stopping bundle takes its components along
        if (enabled && context.getBundleContext().getBundle().getState() == Bundle.ACTIVE) {
            context.disableComponent(TELEMETRY_COMMANDS);
        }
    }

    /** Whether the telemetry: commands can run with these packages wired. */
    static boolean enable(Set<String> wiredPackages) {
        return wiredPackages.contains(TELEMETRY_API);
    }

    private static Set<String> wiredPackages(Bundle bundle) {
        Set<String> out = new HashSet<>();
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        if (wiring != null) {
            for (BundleWire w : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
                Object pkg = w.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE);
                if (pkg != null) {
                    out.add(pkg.toString());
                }
            }
        }
        return out;
    }
}

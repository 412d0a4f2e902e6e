package org.qkdv2i.shell.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
 * Turns the {@code zap:} and {@code dpn:} commands on only when their API packages are wired
 * to this bundle. The shell imports {@code org.qkdv2i.zap.api} and {@code org.qkdv2i.dpn.api}
 * with {@code resolution:=optional}, so it also runs in a framework without them (the
 * {@code qkd:} commands alone); there the two command components stay disabled and SCR never
 * loads their classes (which would fail with NoClassDefFoundError on first use, e.g. by Gogo's
 * {@code help}). This class must not mention a type of either package.
 */
@Component(immediate = true)
public class SecurityCommandsGate {

    private static final Logger LOG = LoggerFactory.getLogger(SecurityCommandsGate.class);

    static final String ZAP_COMMANDS = "org.qkdv2i.shell.zap";
    static final String DPN_COMMANDS = "org.qkdv2i.shell.dpn";
    static final String ZAP_API = "org.qkdv2i.zap.api";
    static final String DPN_API = "org.qkdv2i.dpn.api";

    private final ComponentContext context;
    private final List<String> enabled;

    @Activate
    public SecurityCommandsGate(ComponentContext context) {
        this.context = context;
        Set<String> wired = importedPackages(context.getBundleContext().getBundle());
        this.enabled = components(wired);
        enabled.forEach(context::enableComponent);
        if (enabled.size() < 2) {
            LOG.info("shell: {} (package {} not wired to this bundle; install zap.api and dpn.api, then refresh org.qkdv2i.shell)",
                    enabled.isEmpty() ? "no zap: or dpn: commands" : "no dpn: commands",
                    wired.contains(ZAP_API) ? DPN_API : ZAP_API);
        }
    }

    @Deactivate
    void deactivate() {
        // only when the gate alone goes (scr:disable); a stopping bundle takes its components along
        if (context.getBundleContext().getBundle().getState() == Bundle.ACTIVE) {
            enabled.forEach(context::disableComponent);
        }
    }

    /** Which command components can run with these packages wired: zap needs zap.api; dpn needs both. */
    static List<String> components(Set<String> wiredPackages) {
        List<String> out = new ArrayList<>();
        if (wiredPackages.contains(ZAP_API)) {
            out.add(ZAP_COMMANDS);
            if (wiredPackages.contains(DPN_API)) {
                out.add(DPN_COMMANDS);
            }
        }
        return out;
    }

    private static Set<String> importedPackages(Bundle bundle) {
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

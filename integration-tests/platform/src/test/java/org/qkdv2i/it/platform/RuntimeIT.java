package org.qkdv2i.it.platform;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleWiring;

/** The provisioned runtime resolves and starts: every bundle active, slf4j bound to a real backend. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RuntimeIT {

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return Platform.options();
    }

    @Test
    public void everyBundleIsActive() {
        List<String> notActive = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            boolean fragment = b.adapt(BundleWiring.class) != null
                    && (b.adapt(org.osgi.framework.wiring.BundleRevision.class).getTypes()
                            & org.osgi.framework.wiring.BundleRevision.TYPE_FRAGMENT) != 0;
            if (b.getState() != Bundle.ACTIVE && !fragment) {
                notActive.add(b.getSymbolicName() + " " + b.getVersion() + " state " + b.getState());
            }
        }
        assertTrue("bundles not active: " + notActive, notActive.isEmpty());
    }

    @Test
    public void slf4jBindsTheSimpleBackendNotNop() {
        String factory = org.slf4j.LoggerFactory.getILoggerFactory().getClass().getName();
        assertEquals("slf4j wiring: " + slf4jWiring(), "org.slf4j.simple.SimpleLoggerFactory", factory);
    }

    private String slf4jWiring() {
        StringBuilder sb = new StringBuilder();
        for (Bundle b : context.getBundles()) {
            BundleWiring w = b.adapt(BundleWiring.class);
            if (w == null) {
                continue;
            }
            for (org.osgi.framework.wiring.BundleWire wire : w.getRequiredWires("osgi.wiring.package")) {
                Object pkg = wire.getCapability().getAttributes().get("osgi.wiring.package");
                if (String.valueOf(pkg).startsWith("org.slf4j")) {
                    sb.append(b.getSymbolicName()).append(" -> ").append(pkg).append('@')
                            .append(wire.getProvider().getSymbolicName()).append("; ");
                }
            }
        }
        return sb.toString();
    }

    @Test
    public void ourBundlesAreInstalled() {
        List<String> names = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            names.add(b.getSymbolicName());
        }
        for (String n : List.of("org.qkdv2i.qkd.api", "org.qkdv2i.kmm.api", "org.qkdv2i.tls", "org.qkdv2i.kmm",
                "org.qkdv2i.kmm.etsi014")) {
            assertTrue(n + " installed", names.contains(n));
        }
    }
}

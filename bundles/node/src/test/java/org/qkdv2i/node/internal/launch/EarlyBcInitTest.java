package org.qkdv2i.node.internal.launch;

import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;

import java.lang.reflect.Proxy;

import org.junit.Test;
import org.osgi.framework.Bundle;

public class EarlyBcInitTest {

    private static final String SHIPPED = "jar/org.apache.felix.scr-2.2.18.jar, jar/bcprov-jdk18on-1.84.jar,jar/bctls-jdk18on-1.84.jar";

    /** A Bundle that answers its symbolic name and location (all the selection looks at). */
    private static Bundle bundle(String bsn, String location) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> bsn;
                    case "getLocation" -> location;
                    case "toString" -> bsn + "@" + location;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    public void picksTheBcprovNodeJarShipsNotOneADriverLeftInTheCache() {
        Bundle fromDeploy = bundle("bcprov", "file:/srv/node/deploy/bcprov-jdk18on-1.79.jar");
        Bundle shipped = bundle("bcprov", "jar/bcprov-jdk18on-1.84.jar");
        Bundle[] installed = {bundle("org.apache.felix.scr", "jar/org.apache.felix.scr-2.2.18.jar"), fromDeploy,
                bundle("bctls", "jar/bctls-jdk18on-1.84.jar"), shipped};
        assertSame(shipped, EarlyBcInit.bcprovOfNodeJar(installed, SHIPPED));
    }

    @Test
    public void nothingOnAFirstStartWithAnEmptyCache() {
        Bundle[] installed = {};
        assertNull(EarlyBcInit.bcprovOfNodeJar(installed, SHIPPED));
    }

    @Test
    public void nothingOutsideNodeJarsLauncher() {
        Bundle[] installed = {bundle("bcprov", "jar/bcprov-jdk18on-1.84.jar")};
        assertNull(EarlyBcInit.bcprovOfNodeJar(installed, null));
        assertNull(EarlyBcInit.bcprovOfNodeJar(installed, " "));
    }
}

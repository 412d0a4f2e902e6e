package org.qkdv2i.shell.internal;

import java.util.List;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * {@code qkd:driver-install}, {@code qkd:driver-update}, {@code qkd:driver-uninstall}. Gogo
 * maps a function name to a Java method, and a hyphenated name cannot be one, so each command
 * is a {@link Function} service of its own.
 */
final class DriverCommands {

    private DriverCommands() {
    }

    static String usageIf(boolean bad, String usage) {
        return bad ? "usage: " + usage : null;
    }

    /** {@code qkd:driver-install <file|url>}: install and start a driver bundle. */
    @Component(service = Function.class, property = {"osgi.command.scope=qkd", "osgi.command.function=driver-install"})
    public static final class Install implements Function {
        private final DriverAdmin admin;

        @Activate
        public Install(BundleContext context) {
            this.admin = new DriverAdmin(context);
        }

        @Override
        public Object execute(CommandSession session, List<Object> args) throws Exception {
            String usage = usageIf(args.size() != 1, "qkd:driver-install <file|url>");
            return usage != null ? usage : admin.install(args.get(0).toString());
        }
    }

    /** {@code qkd:driver-update <bundleId|symbolicName> [file|url]}: update in place. */
    @Component(service = Function.class, property = {"osgi.command.scope=qkd", "osgi.command.function=driver-update"})
    public static final class Update implements Function {
        private final DriverAdmin admin;

        @Activate
        public Update(BundleContext context) {
            this.admin = new DriverAdmin(context);
        }

        @Override
        public Object execute(CommandSession session, List<Object> args) throws Exception {
            String usage = usageIf(args.isEmpty() || args.size() > 2,
                    "qkd:driver-update <bundleId|symbolicName> [file|url]");
            return usage != null ? usage
                    : admin.update(args.get(0).toString(), args.size() == 2 ? args.get(1).toString() : null);
        }
    }

    /** {@code qkd:driver-uninstall <bundleId|symbolicName>}. */
    @Component(service = Function.class, property = {"osgi.command.scope=qkd", "osgi.command.function=driver-uninstall"})
    public static final class Uninstall implements Function {
        private final DriverAdmin admin;

        @Activate
        public Uninstall(BundleContext context) {
            this.admin = new DriverAdmin(context);
        }

        @Override
        public Object execute(CommandSession session, List<Object> args) throws Exception {
            String usage = usageIf(args.size() != 1, "qkd:driver-uninstall <bundleId|symbolicName>");
            return usage != null ? usage : admin.uninstall(args.get(0).toString());
        }
    }
}

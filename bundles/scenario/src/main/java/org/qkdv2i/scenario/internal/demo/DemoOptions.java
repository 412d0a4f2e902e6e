package org.qkdv2i.scenario.internal.demo;

import java.nio.file.Path;

/** The demo's command line. */
record DemoOptions(boolean help, double durationS, double speed, boolean headless, Path scenario, String mqtt,
        Path report, int opcuaPort, int consolePort) {

    /** The web console's default port (docs/console.md). */
    static final int CONSOLE_PORT = 8080;

    static final String USAGE = """
            Usage: java -jar demo.jar [options]
            Plays a city scenario (default: the paper's, Stavdas et al. 2024 Figures 2, 3, 6) on real KMMs,
            simulated FSO QKD links, SDN agents and controller in this process; one summary line per second,
            then a final report.
              --duration <s>      simulated seconds to play (default: the scenario's durationSeconds)
              --speed <x>         simulated seconds per wall second (default: the scenario's speed)
              --headless          no web console (terminal only; its port is never opened)
              --console-port <p>  the web console's port on 127.0.0.1 (default 8080)
              --scenario <file>   a scenario file (JSON, docs/scenarios.md) instead of the paper's city
              --mqtt <url>        publish every node's telemetry to this MQTT broker (tcp://host:1883)
              --opcua-port <p>    OPC UA servers of the nodes on ports p, p+1, … (default 4840)
              --no-opcua          no OPC UA servers
              --report <file>     also write the final report as JSON
              --help              this text""";

    /** A command line that makes no sense. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    static DemoOptions parse(String[] args) throws UsageException {
        boolean help = false;
        double duration = 0;
        double speed = 0;
        boolean headless = false;
        Path scenario = null;
        String mqtt = null;
        Path report = null;
        int opcua = 4840;
        int console = CONSOLE_PORT;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> help = true;
                case "--headless" -> headless = true;
                case "--duration" -> duration = positive(a, value(args, ++i, a));
                case "--speed" -> speed = positive(a, value(args, ++i, a));
                case "--scenario" -> scenario = Path.of(value(args, ++i, a));
                case "--report" -> report = Path.of(value(args, ++i, a));
                case "--no-opcua" -> opcua = 0;
                case "--opcua-port" -> {
                    double p = positive(a, value(args, ++i, a));
                    if (p != Math.rint(p) || p > 65000) {
                        throw new UsageException(a + " " + args[i] + ": expected a TCP port up to 65000");
                    }
                    opcua = (int) p;
                }
                case "--console-port" -> {
                    double p = positive(a, value(args, ++i, a));
                    if (p != Math.rint(p) || p > 65535) {
                        throw new UsageException(a + " " + args[i] + ": expected a TCP port up to 65535");
                    }
                    console = (int) p;
                }
                case "--mqtt" -> {
                    mqtt = value(args, ++i, a);
                    if (!mqtt.matches("(tcp|ssl)://[^\\s/]+(:\\d+)?/?")) {
                        throw new UsageException("--mqtt " + mqtt + ": expected tcp://host:port or ssl://host:port");
                    }
                }
                default -> throw new UsageException("unknown option " + a);
            }
        }
        return new DemoOptions(help, duration, speed, headless, scenario, mqtt, report, opcua, console);
    }

    private static String value(String[] args, int i, String option) throws UsageException {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    private static double positive(String option, String v) throws UsageException {
        try {
            double d = Double.parseDouble(v);
            if (!(d > 0) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " " + v + ": expected a positive number");
        }
    }
}

package org.qkdv2i.node.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Path;
import java.util.List;

import org.junit.Test;
import org.qkdv2i.node.internal.CommandLine.Action;

public class CommandLineTest {

    private static CommandLine parse(String... args) throws CommandLine.UsageException {
        return CommandLine.parse(args);
    }

    private static String error(String... args) {
        try {
            CommandLine.parse(args);
        } catch (CommandLine.UsageException e) {
            return e.getMessage();
        }
        fail("expected a usage error for " + List.of(args));
        return null;
    }

    @Test
    public void noArgumentsRunsTheNode() throws Exception {
        assertEquals(Action.RUN, parse().action());
        assertEquals(Action.RUN, CommandLine.parse((String[]) null).action());
    }

    @Test
    public void helpAndQuickstart() throws Exception {
        assertEquals(Action.HELP, parse("--help").action());
        assertEquals(Action.HELP, parse("-h").action());
        assertEquals(Action.QUICKSTART, parse("--quickstart").action());
    }

    @Test
    public void initPkiTakesDirNodesAndSaes() throws Exception {
        CommandLine cl = parse("--init-pki", "pki", "--nodes", "A, B,A", "--saes", "SAE-1,SAE-2");
        assertEquals(Action.INIT_PKI, cl.action());
        assertEquals(Path.of("pki"), cl.pkiDir());
        assertEquals(List.of("A", "B"), cl.nodes());
        assertEquals(List.of("SAE-1", "SAE-2"), cl.saes());
    }

    @Test
    public void initPkiDefaultsToNodeAAndTwoSaes() throws Exception {
        CommandLine cl = parse("--saes", "X", "--init-pki", "/tmp/p");
        assertEquals(List.of("A"), cl.nodes());
        assertEquals(List.of("X"), cl.saes());
    }

    @Test
    public void badCommandLinesSayWhatIsWrong() {
        assertEquals("unknown option --bogus", error("--bogus"));
        assertEquals("unexpected argument 'run'", error("run"));
        assertEquals("--init-pki needs a directory", error("--init-pki"));
        assertEquals("--init-pki needs a directory", error("--init-pki", "--nodes", "A"));
        assertEquals("--nodes and --saes only go with --init-pki", error("--nodes", "A"));
        assertTrue(error("--quickstart", "--help").contains("cannot be combined"));
        assertTrue(error("--init-pki", "p", "--nodes", "../etc").contains("not a valid ID"));
        assertEquals("--saes needs at least one ID", error("--init-pki", "p", "--saes", ",,"));
    }
}

package org.qkdv2i.dpn.identitylog.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One replica in its own JVM, for the test that kills a replica for real (SIGKILL): runs
 * until its standard input closes, so it never outlives the test JVM.
 *
 * <p>Arguments: logId selfId peers(id=host:port,...) storageDir
 */
public final class ReplicaProcess {

    private ReplicaProcess() {
    }

    public static void main(String[] args) throws IOException {
        NodeSettings s = new NodeSettings(args[0], args[1], NodeSettings.parsePeers(args[2]), Path.of(args[3]), null,
                Duration.ofSeconds(20), Duration.ZERO, Duration.ofMillis(1000), args.length > 4 ? args[4] : null);
        try (IdentityLogNode node = IdentityLogNode.start(s)) {
            System.out.println("READY " + node.selfId());
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the parent closes our stdin (or kills us)
            }
        }
        System.exit(0);
    }
}

package org.qkdv2i.node.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The folders of a node home (the working directory of the node process). */
final class NodeHome {

    static final String DEPLOY = "deploy";
    static final String DATA = "data";
    static final String KEYS = "keys";
    static final String PKI = "pki";

    private NodeHome() {
    }

    /** FileInstall does not create the folder it watches; create all of them up front. */
    static void createFolders(Path home) {
        for (String dir : new String[] {DEPLOY, DATA, KEYS, PKI}) {
            try {
                Files.createDirectories(home.resolve(dir));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + home.resolve(dir), e);
            }
        }
    }
}

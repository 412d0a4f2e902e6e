package org.qkdv2i.radio.ethernet.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Test helper: runs iproute2 and enters network namespaces with setns(2) on a fresh thread. */
final class NetNs {
    /** Output of one command: exit code, stdout + stderr. */
    record Result(int exit, String output) {
    }

    private NetNs() {
    }

    static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out;
        try (var in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        return new Result(p.exitValue(), out);
    }

    static void must(String... command) throws IOException, InterruptedException {
        Result r = run(command);
        if (r.exit() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + r.exit() + "): " + r.output());
        }
    }

    /**
     * Runs {@code task} on a new thread that has first joined the named network namespace
     * (/var/run/netns/NAME, as `ip netns add` creates it). Sockets it opens, and threads it starts,
     * live in that namespace; the calling thread's namespace does not change.
     */
    static <T> T inNamespace(String name, Callable<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                LibC c = LibC.Holder.C;
                int fd = c.open("/var/run/netns/" + name, 0x80000 /* O_RDONLY | O_CLOEXEC */);
                try {
                    c.setns(fd, LibC.CLONE_NEWNET);
                } finally {
                    c.close(fd);
                }
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "netns-" + name);
        t.start();
        try {
            return result.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new IOException("task in namespace " + name + " did not finish in 30 s");
        }
    }

    static List<String> list(String... items) {
        return new ArrayList<>(List.of(items));
    }
}

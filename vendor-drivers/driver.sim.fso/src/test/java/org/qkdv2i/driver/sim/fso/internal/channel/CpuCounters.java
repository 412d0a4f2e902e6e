package org.qkdv2i.driver.sim.fso.internal.channel;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;

/** The process's and its threads' CPU time, for the link benchmarks' printed figures. */
final class CpuCounters {

    private CpuCounters() {
    }

    /** CPU time of the whole process (GC and JIT included), ns. */
    static long processNs() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * CPU ticks (10 ms, utime + stime) per live thread name, digits dropped ("GC Thread#1" → "GC Thread#"),
     * from /proc/self/task; empty elsewhere.
     */
    static Map<String, Long> ticksByThreadName() {
        Map<String, Long> out = new TreeMap<>();
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        if (tasks == null) {
            return out;
        }
        for (java.io.File t : tasks) {
            try {
                String st = new String(Files.readAllBytes(t.toPath().resolve("stat")), StandardCharsets.US_ASCII);
                int open = st.indexOf('('), close = st.lastIndexOf(')');
                String name = st.substring(open + 1, close).replaceAll("[0-9]+", "");
                String[] f = st.substring(close + 2).split(" ");
                out.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
            } catch (java.io.IOException | RuntimeException e) {
                // thread gone meanwhile
            }
        }
        return out;
    }
}

package dev.phaseflow.app;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * This process's memory and handles at one moment: RSS and anonymous RSS from /proc/self/status,
 * heap and non-heap (metaspace, code cache) from the JVM, direct buffers, threads, open files.
 * {@code nativeMb} estimates memory outside the Java heap and the JVM's own pools
 * (ONNX Runtime's arenas, Netty's direct buffers, thread stacks): anonymous RSS less committed
 * heap and non-heap. Values are -1 where /proc is not there (not Linux).
 */
record ProcessSample(double seconds, double rssMb, double rssAnonMb, double heapUsedMb, double heapCommittedMb,
                     double nonHeapMb, double directMb, double nativeMb, int threads, long openFiles) {

    static final String CSV_HEADER = "seconds,rss_mb,rss_anon_mb,heap_used_mb,heap_committed_mb,non_heap_mb,"
            + "direct_mb,native_est_mb,threads,open_files";

    static ProcessSample now(double seconds) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        double heapUsed = mb(memory.getHeapMemoryUsage().getUsed());
        double heapCommitted = mb(memory.getHeapMemoryUsage().getCommitted());
        double nonHeap = mb(memory.getNonHeapMemoryUsage().getCommitted());
        double direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct = mb(pool.getMemoryUsed());
            }
        }
        List<String> status = readStatus();
        double rss = kbField(status, "VmRSS:");
        double anon = kbField(status, "RssAnon:");
        double nativeMb = anon < 0 ? -1 : anon - heapCommitted - nonHeap;
        return new ProcessSample(seconds, rss, anon, heapUsed, heapCommitted, nonHeap, direct, nativeMb,
                ManagementFactory.getThreadMXBean().getThreadCount(), countOpenFiles());
    }

    String csv() {
        return String.format(java.util.Locale.ROOT, "%.0f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%d,%d", seconds, rssMb, rssAnonMb,
                heapUsedMb, heapCommittedMb, nonHeapMb, directMb, nativeMb, threads, openFiles);
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static List<String> readStatus() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status"));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A "Name:   1234 kB" line of /proc/self/status in MiB, or -1. */
    static double kbField(List<String> status, String name) {
        for (String line : status) {
            if (line.startsWith(name)) {
                String[] parts = line.substring(name.length()).trim().split("\\s+");
                return Long.parseLong(parts[0]) / 1024.0;
            }
        }
        return -1;
    }

    private static long countOpenFiles() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }
}

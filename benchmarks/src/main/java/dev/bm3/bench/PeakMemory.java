package dev.bm3.bench;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Peak memory of this JVM in two windows: setup (data loading, model construction) and training
 * (every epoch after setup). Three measures, because no single one is both sound and comparable:
 * <ul>
 *   <li>heap pool peak: the sum of the heap pools' peak usages, an UPPER bound (the pools peak at
 *       different moments, and uncollected garbage counts, so it grows with {@code -Xmx});</li>
 *   <li>heap live peak: the most heap in use right after a GC (GC notifications, plus a forced
 *       full GC at the end of each window), a LOWER bound of the live set's peak;</li>
 *   <li>resident peak: {@code VmHWM} of {@code /proc/self/status}, the whole process (native
 *       tensors, LibTorch, the JVM and its heap). Writing 5 to {@code /proc/self/clear_refs}
 *       resets it between the windows; where the kernel refuses, the training window's value is
 *       the whole fork's and {@code rss_reset_ok} says so.</li>
 * </ul>
 */
final class PeakMemory implements AutoCloseable {
    private static final long MB = 1L << 20;

    private final Set<String> heapPools;
    private final AtomicLong liveMax = new AtomicLong();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::onGc;
    private final Map<String, Object> setup = new LinkedHashMap<>();
    private boolean rssResetOk;

    /** Starts the setup window; create it before loading any data. */
    PeakMemory() {
        heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener(listener, null, null);
                emitters.add(e);
            }
        }
    }

    private void onGc(Notification n, Object handback) {
        if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
                used += e.getValue().getUsed();
            }
        }
        liveMax.accumulateAndGet(used, Math::max);
    }

    /** Ends the setup window (recording its peaks) and starts the training window. */
    void endSetup() {
        setup.putAll(window());
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
        liveMax.set(0);
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            rssResetOk = true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            rssResetOk = false;
        }
    }

    /** Ends the training window: both windows' peaks in MB, keys suffixed {@code _setup} / {@code _training}. */
    Map<String, Object> finish() {
        Map<String, Object> out = new LinkedHashMap<>();
        setup.forEach((k, v) -> out.put(k + "_setup", v));
        window().forEach((k, v) -> out.put(k + "_training", v));
        out.put("rss_reset_ok", rssResetOk);
        out.put("max_heap_mb", Runtime.getRuntime().maxMemory() / MB);
        return out;
    }

    private Map<String, Object> window() {
        long poolPeak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                poolPeak += p.getPeakUsage().getUsed();
            }
        }
        // what is still reachable now also counts (a window may end without any GC inside it)
        System.gc();
        liveMax.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("heap_pool_peak_mb", round(poolPeak));
        w.put("heap_live_peak_mb", round(liveMax.get()));
        w.put("rss_peak_mb", round(procStatusKb("VmHWM") * 1024));
        return w;
    }

    private static double round(long bytes) {
        return Math.round(bytes * 10.0 / MB) / 10.0;
    }

    /** A {@code kB} field of {@code /proc/self/status}, or -1 where there is none (not Linux). */
    static long procStatusKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    @Override
    public void close() {
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ignored) {
                // already gone: nothing to release
            }
        }
    }
}

package dev.bm3.cli;

import sun.misc.Signal;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * SIGINT and SIGTERM ask training to stop at the next step boundary, after a checkpoint, instead
 * of killing the JVM mid-write. A second signal of the same kind is honoured by the default
 * action (the JVM exits), for a user who really wants out.
 */
final class StopSignals {
    private static final AtomicReference<String> REQUEST = new AtomicReference<>();

    private StopSignals() {
    }

    /** Installs the handlers (once per process) and returns the request poll. */
    static synchronized Supplier<String> install() {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), sig -> {
                    if (!REQUEST.compareAndSet(null, "SIG" + sig.getName())) {
                        Runtime.getRuntime().halt(128 + sig.getNumber());
                    }
                });
            } catch (IllegalArgumentException e) {
                // the signal is reserved by the VM here (e.g. with -Xrs): keep its default action
            }
        }
        return REQUEST::get;
    }

    /** The conventional exit status for a stop by {@code signal} (130 SIGINT, 143 SIGTERM). */
    static int exitCode(String signal) {
        return "SIGINT".equals(signal) ? 130 : 143;
    }
}

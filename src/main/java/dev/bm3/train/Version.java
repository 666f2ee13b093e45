package dev.bm3.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Engine version and, where the jar sits in a git checkout, the git revision. */
public final class Version {
    public static final String ENGINE = "0.1.0";

    private Version() {
    }

    /** {@code git rev-parse HEAD} next to the running jar or class folder, or "unknown". */
    public static String gitRevision() {
        try {
            Path here = Path.of(Version.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dir = Files.isDirectory(here) ? here : here.getParent();
            Process p = new ProcessBuilder("git", "-C", dir.toString(), "rev-parse", "HEAD")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("[0-9a-f]{40}")) {
                return out;
            }
        } catch (Exception e) {
            // not in a checkout, or no git: the manifest says so
        }
        return "unknown";
    }
}

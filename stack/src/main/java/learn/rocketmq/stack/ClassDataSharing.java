package learn.rocketmq.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * JDK class-data sharing for the server JVM: the first start on a machine records an archive of
 * the ~10,000 server classes, later starts map it and start about twice as fast.
 */
final class ClassDataSharing {

    private ClassDataSharing() {
    }

    /**
     * JDK class-data sharing: the first run writes an archive of every class it loaded, later runs
     * map it instead of loading and verifying thousands of classes again. Keyed by JDK, class path
     * and JVM settings (the quick-start and long-lived ones each have their own).
     */
    static List<String> classDataSharing(List<String> classPath, String flavour) throws IOException {
        Path dir = Files.createDirectories(WorkDir.WORK.resolve("cds"));
        String key = WorkDir.sha256(flavour + "|" + System.getProperty("java.home") + "|" + Runtime.version() + "|"
            + String.join("|", classPath));
        Path archive = dir.resolve(key + ".jsa");
        if (Files.exists(archive)) {
            return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
        }
        // A first run records "<key>.jsa.part" as its JVM exits, its pid in "<key>.jsa.pid";
        // once that process is gone the archive is complete. One recorder at a time.
        Path part = dir.resolve(key + ".jsa.part");
        Path owner = dir.resolve(key + ".jsa.pid");
        try {
            if (Files.exists(part)) {
                boolean recording = ownerAlive(owner)
                    || (!Files.exists(owner) && System.currentTimeMillis() - Files.getLastModifiedTime(part).toMillis() < 120_000);
                if (recording) {
                    return List.of();
                }
                if (Files.size(part) > 0) {
                    Files.move(part, archive, StandardCopyOption.ATOMIC_MOVE);
                    Files.deleteIfExists(owner);
                    return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
                }
                Files.deleteIfExists(part);
            }
            if (ownerAlive(owner)) {
                return List.of(); // another JVM is about to record
            }
            Files.writeString(owner, "starting");
        } catch (IOException | RuntimeException ignored) {
            return List.of(); // only an optimisation
        }
        return List.of("-XX:ArchiveClassesAtExit=" + part, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    }

    static boolean ownerAlive(Path owner) {
        try {
            String text = Files.readString(owner).trim();
            if (text.equals("starting")) {
                return System.currentTimeMillis() - Files.getLastModifiedTime(owner).toMillis() < 120_000;
            }
            return ProcessHandle.of(Long.parseLong(text)).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Tells later starts which process records the archive (see {@link #classDataSharing}). */
    static void recordArchiveOwner(List<String> command, Process process) {
        command.stream().filter(o -> o.startsWith("-XX:ArchiveClassesAtExit=")).findFirst().ifPresent(option -> {
            try {
                String part = option.substring("-XX:ArchiveClassesAtExit=".length());
                Files.writeString(Path.of(part.substring(0, part.length() - ".part".length()) + ".pid"),
                    Long.toString(process.pid()));
            } catch (IOException ignored) {
                // only an optimisation
            }
        });
    }

    static boolean writesArchive(List<String> command) {
        return command.stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit="));
    }
}

package learn.rocketmq.stack;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The server JVM's class path: the broker, NameServer and proxy jars the stack module's build
 * lists in {@code server.classpath} (never a lesson's class path: the proxy's gRPC classes clash
 * with the 5.x client's), after the stack's own classes as a jar.
 */
final class ServerClassPath {

    private static final String RESOURCES = "learn/rocketmq/stack/";

    private ServerClassPath() {
    }

    /**
     * The server's class path: this module's server classes as a jar (CDS accepts jars only),
     * then the jars listed in server.classpath, written by the stack module's build.
     */
    static List<String> serverClassPath() throws IOException {
        URL listing = ServerClassPath.class.getClassLoader().getResource(RESOURCES + "server.classpath");
        if (listing == null) {
            listing = buildServerClassPathListing();
        }
        List<String> classPath = new ArrayList<>();
        classPath.add(serverJar(listing).toString());
        try (InputStream in = listing.openStream()) {
            for (String entry : new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split(java.io.File.pathSeparator)) {
                if (!entry.isBlank()) {
                    classPath.add(entry);
                }
            }
        }
        return classPath;
    }

    /**
     * An IDE that compiled the project itself did not run the Maven step that writes
     * server.classpath: run it now (once), from the project's own Maven wrapper.
     */
    static URL buildServerClassPathListing() throws IOException {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("stack/pom.xml"))) {
            dir = dir.getParent();
        }
        String hint = "server.classpath is missing from the stack module: run ./mvnw -q install -DskipTests once"
            + " in the project (./lesson does it for you)";
        if (dir == null) {
            throw new IllegalStateException(hint);
        }
        boolean windows = System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("win");
        Path wrapper = dir.resolve(windows ? "mvnw.cmd" : "mvnw");
        System.out.println("[stack] preparing the server class path (once): " + wrapper + " -q -pl stack generate-resources");
        try {
            Process build = new ProcessBuilder(wrapper.toString(), "-q", "-B", "-pl", "stack", "generate-resources")
                .directory(dir.toFile()).inheritIO().start();
            if (build.waitFor() != 0) {
                throw new IllegalStateException(hint);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(hint, e);
        }
        Path file = dir.resolve("stack/target/classes/" + RESOURCES + "server.classpath");
        if (!Files.exists(file)) {
            throw new IllegalStateException(hint);
        }
        return file.toUri().toURL();
    }

    /** The jar holding ServerMain: the stack jar itself, or one made from target/classes. */
    static Path serverJar(URL listing) throws IOException {
        String url = listing.toString();
        try {
            if (url.startsWith("jar:file:")) {
                return Path.of(new URL(url.substring(4, url.indexOf("!/"))).toURI());
            }
            Path classes = Path.of(listing.toURI()).getParent().getParent().getParent().getParent();
            List<Path> files;
            try (Stream<Path> walk = Files.walk(classes.resolve(RESOURCES))) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            // Named by content, so a rebuild with the same classes keeps the class-data archive valid.
            StringBuilder fingerprint = new StringBuilder();
            for (Path f : files) {
                fingerprint.append(classes.relativize(f)).append(':').append(WorkDir.sha256(Files.readAllBytes(f))).append(';');
            }
            Path jar = Files.createDirectories(WorkDir.WORK.resolve("jars")).resolve("stack-server-" + WorkDir.sha256(fingerprint.toString()) + ".jar");
            if (!Files.exists(jar)) {
                Path tmp = Files.createTempFile(jar.getParent(), "stack-server", ".tmp");
                try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(tmp))) {
                    for (Path f : files) {
                        JarEntry entry = new JarEntry(classes.relativize(f).toString().replace('\\', '/'));
                        entry.setTime(0);
                        out.putNextEntry(entry);
                        Files.copy(f, out);
                        out.closeEntry();
                    }
                }
                Files.move(tmp, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return jar;
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }
}

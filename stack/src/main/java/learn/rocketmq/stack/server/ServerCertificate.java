package learn.rocketmq.stack.server;

import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.apache.rocketmq.proxy.config.ProxyConfig;

/**
 * The servers' TLS certificate: self-signed, made once per machine and kept, then used by every
 * stack (embedded and {@code ./rocketmq up}).
 *
 * <p>Why: a default RocketMQ 5.x installation runs its servers in TLS "permissive" mode, each port
 * accepting TLS and plaintext, with a self-signed certificate it generates at every start
 * ({@code tls.test.mode.enable=true}). The 5.x client connects with TLS unless told
 * {@code enableSsl(false)}, so code written for a default installation needs it. Generating the
 * certificate takes ~2.5 s here (BouncyCastle's classes, key generation); loading a kept one takes
 * milliseconds. The certificate is the same kind RocketMQ makes (self-signed, "localhost", not
 * trusted by anybody), so clients connect as they would to a default installation: the 5.x client
 * does not verify the server's certificate.
 */
final class ServerCertificate {

    private static volatile Path keptCertificate;

    private ServerCertificate() {
    }

    /**
     * Makes every server of this JVM permissive with the kept certificate. Call before the first
     * server class is touched: RocketMQ reads these settings once ({@code TlsSystemConfig}).
     */
    static void usePermissiveTls(Path dir) throws IOException {
        Path kept = kept(dir);
        keptCertificate = kept;
        System.setProperty("tls.server.mode", "permissive");
        System.setProperty("tls.test.mode.enable", "false");
        System.setProperty("tls.server.certPath", kept.resolve("server.crt").toString());
        System.setProperty("tls.server.keyPath", kept.resolve("server.key").toString());
    }

    /**
     * The proxy reads its own copy of the settings (rmq-proxy.json's keys): the kept certificate,
     * if {@link #usePermissiveTls} chose one; otherwise RocketMQ's defaults stay.
     */
    static void configure(ProxyConfig proxy) {
        if (keptCertificate == null) {
            return;
        }
        proxy.setTlsTestModeEnable(false);
        proxy.setTlsCertPath(keptCertificate.resolve("server.crt").toString());
        proxy.setTlsKeyPath(keptCertificate.resolve("server.key").toString());
    }

    /** {@code <dir>/current/server.{crt,key}}, generated if missing. */
    private static Path kept(Path dir) throws IOException {
        Path current = dir.resolve("current");
        if (Files.exists(current.resolve("server.crt"))) {
            return current;
        }
        // Made in a directory of its own, then renamed into place: two first starts at once never
        // mix one's key with the other's certificate.
        Files.createDirectories(dir);
        Path fresh = Files.createTempDirectory(dir, "new-");
        SelfSignedCertificate made;
        try {
            made = new SelfSignedCertificate("localhost");
        } catch (java.security.cert.CertificateException e) {
            throw new IOException("could not generate the servers' TLS certificate: " + e.getMessage(), e);
        }
        Files.copy(made.privateKey().toPath(), fresh.resolve("server.key"));
        Files.copy(made.certificate().toPath(), fresh.resolve("server.crt"));
        made.delete();
        try {
            Files.move(fresh, current, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException anotherStartWon) {
            learn.rocketmq.stack.WorkDir.deleteTree(fresh);
        }
        return current;
    }
}

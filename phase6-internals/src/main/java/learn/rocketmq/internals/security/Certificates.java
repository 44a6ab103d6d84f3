package learn.rocketmq.internals.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A TLS certificate made on the spot with the JDK's {@code keytool} (never a key checked into the
 * repository): an RSA key and a self-signed certificate for {@code localhost} and
 * {@code 127.0.0.1}, valid for a day, written as the PEM files RocketMQ's {@code tls.server.certPath}
 * and {@code tls.server.keyPath} (PKCS#8) and a client's {@code tls.client.trustCertPath} take.
 */
public final class Certificates {

    /** The certificate and its private key, PEM. */
    public record Pem(Path certificate, Path privateKey) {
    }

    private Certificates() {
    }

    public static Pem selfSigned(Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        Path store = dir.resolve(name + ".p12");
        char[] password = "changeit".toCharArray();
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048",
            "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "1",
            "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", new String(password))
            .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, password);
        }
        Key key = keys.getKey(name, password); // RSA: getEncoded() is PKCS#8
        Pem pem = new Pem(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
        Files.writeString(pem.certificate(), pem("CERTIFICATE", keys.getCertificate(name).getEncoded()));
        Files.writeString(pem.privateKey(), pem("PRIVATE KEY", key.getEncoded()));
        Files.delete(store);
        return pem;
    }

    private static String pem(String type, byte[] der) {
        List<String> lines = List.of("-----BEGIN " + type + "-----",
            Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der), "-----END " + type + "-----");
        return String.join("\n", lines) + "\n";
    }
}

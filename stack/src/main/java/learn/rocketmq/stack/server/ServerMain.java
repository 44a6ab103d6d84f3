package learn.rocketmq.stack.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.broker.BrokerStartup;
import org.apache.rocketmq.broker.ConfigContext;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.namesrv.NamesrvConfig;
import org.apache.rocketmq.namesrv.NamesrvController;
import org.apache.rocketmq.proxy.config.Configuration;
import org.apache.rocketmq.proxy.config.ConfigurationManager;
import org.apache.rocketmq.proxy.config.ProxyConfig;
import org.apache.rocketmq.proxy.grpc.GrpcServer;
import org.apache.rocketmq.proxy.grpc.GrpcServerBuilder;
import org.apache.rocketmq.proxy.grpc.v2.GrpcMessagingApplication;
import org.apache.rocketmq.proxy.metrics.ProxyMetricsManager;
import org.apache.rocketmq.proxy.processor.DefaultMessagingProcessor;
import org.apache.rocketmq.proxy.remoting.RemotingProtocolServer;
import org.apache.rocketmq.proxy.service.cert.TlsCertificateManager;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.store.config.MessageStoreConfig;

/**
 * The server JVM of the stack: one NameServer, one Broker and the 5.x Proxy (LOCAL mode: inside
 * the broker's JVM, as {@code mqbroker --enable-proxy} runs it), from the Maven Central jars; or
 * one server of a cluster ({@code --role}).
 *
 * <p>Never runs in a lesson's JVM: {@code EmbeddedRocketMQ} starts it as a child process, and
 * {@code ./rocketmq up} runs it in the foreground on the standard ports. It reads the repo's
 * {@code config/broker.conf} and {@code config/rmq-proxy.json} (the files docker-compose.yml
 * mounts) and overrides only ports, paths and the NameServer address.
 *
 * <p>Arguments: {@code --base-dir DIR} (store, logs, home; required), {@code --standard-ports}
 * (9876, 10911, 8081, 8080; otherwise free ports), {@code --fast-tests} (apply
 * config/fast-tests.conf), {@code --watch-stdin} (exit, deleting the base dir, when standard input
 * closes: the parent has gone, even by kill -9), {@code --keep-store} (the base dir is kept: a stop,
 * by signal or by the parent's end, shuts the servers down cleanly and prints
 * {@code STOPPED <ms>}), {@code --set key=value}
 * (a broker setting for this stack only; {@code proxy.key=value} for the proxy; repeatable),
 * {@code --role namesrv|broker|proxy|all} (one server of a cluster, or all three, the default;
 * {@code --namesrv H:P[;H:P]} for a broker or a CLUSTER-mode proxy, {@code --listen PORT} and
 * {@code --remoting-port PORT} to bind given ports, as a restart does),
 * {@code --cluster-member} (SIGTERM is a graceful shutdown, the directory is kept for a restart,
 * and deleted when the parent is gone; with {@code --keep-store} the parent's end is a clean stop
 * and the directory stays),
 * {@code --tls-dir DIR} (every port accepts TLS and plaintext, as in a default installation, with
 * the certificate kept in DIR; see {@link ServerCertificate}),
 * {@code --metrics-port PORT} (a broker with {@code metricsExporterType=PROM}: its Prometheus
 * exporter's port; without it a free one).
 * When ready it prints one line: {@code READY namesrv=H:P broker=H:P proxy=H:P proxyRemoting=H:P}
 * (only the started server's addresses with {@code --role}; a broker exporting metrics adds
 * {@code metrics=H:P}).
 */
public final class ServerMain {

    public static final String READY = "READY";
    /** Printed when a {@code --keep-store} server has stopped cleanly: {@code STOPPED <ms>}. */
    public static final String STOPPED = "STOPPED";
    private static final String CONFIG = "/learn/rocketmq/stack/config/";

    /**
     * Logs as a RocketMQ installation does: the role's own {@code rmq.<role>.logback.xml} (from its
     * jar, as a distribution's {@code conf/} has it) copied to {@code <base>/conf/} unless already
     * there (an edit survives a restart), its
     * files under {@code ${user.home}/logs/rocketmqlogs} ({@code <base>/home/...}).
     */
    private static void useRocketMQLogging(Path baseDir, String role) throws java.io.IOException {
        if (role.equals("all")) {
            throw new IllegalArgumentException("--rocketmq-logging is for a server of one role (namesrv, broker, proxy, controller)");
        }
        String file = "rmq." + role + ".logback.xml";
        Path conf = java.nio.file.Files.createDirectories(baseDir.resolve("conf")).resolve(file);
        if (!java.nio.file.Files.exists(conf)) {
            try (java.io.InputStream in = ServerMain.class.getClassLoader().getResourceAsStream(file)) {
                if (in == null) {
                    throw new IllegalStateException(file + " is not on the server's class path");
                }
                java.nio.file.Files.copy(in, conf);
            }
        }
        System.setProperty("rmq.logback.configurationFile", conf.toString());
    }

    public static void main(String[] args) throws Exception {
        Path baseDir = null;
        boolean standardPorts = false;
        boolean fastTests = false;
        boolean watchStdin = false;
        boolean keepStore = false;
        boolean clusterMember = false;
        String role = "all";
        String namesrv = null;
        int listen = 0;
        int remotingPort = 0;
        int metricsPort = 0;
        Path tlsDir = null;
        boolean rocketmqLogging = false;
        Properties overrides = new Properties();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--base-dir" -> baseDir = Path.of(args[++i]).toAbsolutePath();
                case "--standard-ports" -> standardPorts = true;
                case "--fast-tests" -> fastTests = true;
                case "--watch-stdin" -> watchStdin = true;
                case "--keep-store" -> keepStore = true;
                case "--role" -> role = args[++i];
                case "--namesrv" -> namesrv = args[++i];
                case "--listen" -> listen = Integer.parseInt(args[++i]);
                case "--remoting-port" -> remotingPort = Integer.parseInt(args[++i]);
                case "--metrics-port" -> metricsPort = Integer.parseInt(args[++i]);
                case "--cluster-member" -> clusterMember = true;
                case "--tls-dir" -> tlsDir = Path.of(args[++i]).toAbsolutePath();
                case "--rocketmq-logging" -> rocketmqLogging = true;
                case "--set" -> {
                    String kv = args[++i];
                    overrides.setProperty(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (baseDir == null) {
            throw new IllegalArgumentException("--base-dir is required");
        }
        if (rocketmqLogging) {
            useRocketMQLogging(baseDir, role); // before anything logs
        }
        if (tlsDir != null) {
            ServerCertificate.usePermissiveTls(tlsDir); // before any server class reads the TLS settings
        }
        // TLS settings of a topology (tls.server.mode=enforcing, tls.server.certPath, ...; for the
        // proxy proxy.tls.*) are JVM-wide system properties, read once (TlsSystemConfig): set them now.
        for (String key : overrides.stringPropertyNames()) {
            String name = key.startsWith("proxy.tls.") ? key.substring("proxy.".length()) : key;
            if (name.startsWith("tls.")) {
                System.setProperty(name, overrides.getProperty(key));
            }
        }
        PrintStream out = System.out;
        if (clusterMember) {
            // A server of a cluster: a stop (SIGTERM) is graceful (the broker unregisters, persists
            // its offsets and flushes its store), and the store stays for a restart. When the
            // parent is gone, the cluster is: halt and delete.
            // With --keep-store (./rocketmq up --cluster), the parent's end is a clean stop instead.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> cleanStop(out), "stack-clean-stop"));
            if (watchStdin) {
                Path finalBaseDir = baseDir;
                watchParent(keepStore ? () -> {
                    cleanStop(out);
                    Runtime.getRuntime().halt(0);
                } : () -> deleteUntilGone(finalBaseDir));
            }
        } else if (keepStore) {
            // ./rocketmq up: a stop (Ctrl-C, SIGTERM, or the parent gone) shuts the servers down as
            // RocketMQ's own shutdown hook does, so the next start finds a clean store.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> cleanStop(out), "stack-clean-stop"));
            if (watchStdin) {
                watchParent(() -> {
                    cleanStop(out);
                    Runtime.getRuntime().halt(0);
                });
            }
        } else {
            // A test's stack: ending the process is instant and loses nothing the OS has not got
            // (the store is memory-mapped files; written pages survive the JVM), and the store is
            // deleted anyway. A graceful broker shutdown takes seconds nobody needs here.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> Runtime.getRuntime().halt(0), "stack-exit"));
            if (watchStdin) {
                Path finalBaseDir = baseDir;
                watchParent(() -> deleteUntilGone(finalBaseDir));
            }
        }

        try {
            Properties settings = loadSettings(fastTests, overrides);
            switch (role) {
                case "namesrv" -> {
                    NamesrvController started = startNamesrv(baseDir, listen > 0 ? listen : Ports.one());
                    RUNNING.add(started::shutdown);
                    out.println(READY + " namesrv=127.0.0.1:" + started.getNettyServerConfig().getListenPort()
                        + " pid=" + ProcessHandle.current().pid());
                }
                case "broker" -> {
                    check(namesrv != null, "--role broker needs --namesrv H:P[;H:P]");
                    String metrics = exportMetrics(settings, metricsPort);
                    BrokerController broker = startBroker(baseDir, listen > 0 ? listen : Ports.free().broker, namesrv, settings);
                    RUNNING.add(broker::shutdown);
                    out.println(READY + " broker=" + broker.getBrokerAddr() + (metrics == null ? "" : " metrics=" + metrics)
                        + " pid=" + ProcessHandle.current().pid());
                }
                case "proxy" -> {
                    check(namesrv != null, "--role proxy needs --namesrv H:P[;H:P]");
                    Ports free = Ports.free();
                    Started started = startClusterProxy(baseDir, listen > 0 ? listen : free.proxy,
                        remotingPort > 0 ? remotingPort : free.proxyRemoting, namesrv, settings);
                    out.println(READY + " proxy=" + started.proxy + " proxyRemoting=" + started.proxyRemoting
                        + " pid=" + ProcessHandle.current().pid());
                }
                case "controller" -> {
                    org.apache.rocketmq.controller.ControllerManager controller =
                        startController(baseDir, listen > 0 ? listen : Ports.one(), settings);
                    RUNNING.add(controller::shutdown);
                    out.println(READY + " controller=127.0.0.1:" + controller.getNettyServerConfig().getListenPort()
                        + " pid=" + ProcessHandle.current().pid());
                }
                case "all" -> {
                    Ports ports = standardPorts ? Ports.standard() : Ports.free();
                    Started started = start(baseDir, ports, settings);
                    out.println(READY + " namesrv=" + started.namesrv + " broker=" + started.broker
                        + " proxy=" + started.proxy + " proxyRemoting=" + started.proxyRemoting
                        + " pid=" + ProcessHandle.current().pid());
                }
                default -> throw new IllegalArgumentException("unknown --role " + role + " (namesrv, broker, proxy, controller, all)");
            }
            out.flush();
            org.apache.rocketmq.logging.org.slf4j.LoggerFactory.getLogger(ServerMain.class).info("stack server ready ({})", role);
        } catch (Throwable e) {
            // One line for the parent; the stack trace goes to the server log.
            out.println("FAILED " + e.getClass().getSimpleName() + ": " + e.getMessage());
            e.printStackTrace();
            out.flush();
            System.exit(2);
        }
    }

    record Started(String namesrv, String broker, String proxy, String proxyRemoting) {
    }

    /** What a clean stop shuts down, in order (proxy, broker, NameServer). */
    private static final List<ThrowingRunnable> RUNNING = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static boolean stopped;

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /**
     * Shuts the servers down as RocketMQ's own shutdown hooks do: the broker persists its topics,
     * groups and consumer offsets, flushes the store and removes its {@code abort} file, so the
     * next start on this store is a normal one (after a crash it recovers the store instead).
     * Then prints {@code STOPPED <ms>} for the parent.
     */
    private static synchronized void cleanStop(PrintStream out) {
        if (stopped) {
            return;
        }
        stopped = true;
        long t0 = System.nanoTime();
        Thread waker = learn.rocketmq.stack.IdleEventThreads.wakeWhileJoining(Thread.currentThread());
        for (ThrowingRunnable server : RUNNING) {
            try {
                server.run();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }
        waker.interrupt();
        out.println(STOPPED + " " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        out.flush();
    }

    /** The fast-test profile (if asked for) with this stack's own settings on top. */
    private static Properties loadSettings(boolean fastTests, Properties overrides) throws IOException {
        Properties settings = fastTests ? learn.rocketmq.stack.StackProfile.FAST_TESTS.serverSettings() : new Properties();
        // Per-stack settings (--set key=value) win over both files; "proxy."-prefixed keys go to the proxy.
        settings.putAll(overrides);
        // The wire format version the servers speak; the *Startup classes set it too. Without it a
        // broker's registration is read in the old format and its routes appear late or never.
        System.setProperty(RemotingCommand.REMOTING_VERSION_KEY, Integer.toString(MQVersion.CURRENT_VERSION));
        // Initialise RocketMQ's (shaded) logging once, before the threads below race to do it.
        org.apache.rocketmq.logging.org.slf4j.LoggerFactory.getLogger(ServerMain.class).info("stack server starting");
        return settings;
    }

    /**
     * A broker with {@code metricsExporterType=PROM} serves its metrics for Prometheus to scrape
     * (OpenTelemetry's Prometheus exporter, default port 5557, host brokerIP1): here on 127.0.0.1
     * and a port of its own, so several brokers on one machine can export. Returns host:port, or
     * null when the broker exports no Prometheus metrics.
     */
    private static String exportMetrics(Properties settings, int port) throws IOException {
        if (!"PROM".equalsIgnoreCase(settings.getProperty("metricsExporterType", "DISABLE"))) {
            return null;
        }
        settings.setProperty("metricsPromExporterHost", "127.0.0.1");
        if (port > 0) {
            settings.setProperty("metricsPromExporterPort", Integer.toString(port));
        } else if (!settings.containsKey("metricsPromExporterPort")) {
            settings.setProperty("metricsPromExporterPort", Integer.toString(Ports.one()));
        }
        return "127.0.0.1:" + settings.getProperty("metricsPromExporterPort");
    }

    /** A NameServer on 127.0.0.1:{@code port}, its small store (kvConfig) under {@code baseDir/namesrv}. */
    static NamesrvController startNamesrv(Path baseDir, int port) {
        NamesrvConfig namesrvConfig = new NamesrvConfig();
        namesrvConfig.setKvConfigPath(baseDir.resolve("namesrv/kvConfig.json").toString());
        namesrvConfig.setConfigStorePath(baseDir.resolve("namesrv/namesrv.properties").toString());
        NettyServerConfig namesrvNetty = new NettyServerConfig();
        namesrvNetty.setListenPort(port);
        namesrvNetty.setBindAddress("127.0.0.1");
        NamesrvController namesrv = new NamesrvController(namesrvConfig, namesrvNetty);
        check(namesrv.initialize(), "NameServer failed to initialize");
        try {
            namesrv.start();
        } catch (Exception e) {
            throw new IllegalStateException("NameServer failed to start: " + e.getMessage(), e);
        }
        return namesrv;
    }

    /**
     * A RocketMQ 5.x controller (as {@code mqcontroller} runs it): it decides which broker of a
     * group is the master, from their heartbeats and the group's sync state set, and elects a new
     * one when the master dies. Its own state is a DLedger (Raft) log: one controller, or three
     * for a quorum ({@code controllerDLegerPeers=n0-h:p;n1-h:p;n2-h:p}, {@code controllerDLegerSelfId}).
     * Settings ({@code --set}) are ControllerConfig's; the store is small and under {@code baseDir}.
     */
    static org.apache.rocketmq.controller.ControllerManager startController(Path baseDir, int port, Properties settings) {
        org.apache.rocketmq.common.ControllerConfig config = new org.apache.rocketmq.common.ControllerConfig();
        config.setControllerStorePath(baseDir.resolve("controller").toString());
        config.setConfigStorePath(baseDir.resolve("controller/controller.properties").toString());
        config.setMappedFileSize(4 * 1024 * 1024); // default 1 GiB per file
        config.setControllerDLegerGroup("group1");
        MixAll.properties2Object(settings, config);
        NettyServerConfig server = new NettyServerConfig();
        server.setListenPort(port);
        server.setBindAddress("127.0.0.1");
        org.apache.rocketmq.controller.ControllerManager controller = new org.apache.rocketmq.controller.ControllerManager(config,
            server, new org.apache.rocketmq.remoting.netty.NettyClientConfig());
        check(controller.initialize(), "the controller failed to initialize (see the server log)");
        controller.start();
        return controller;
    }

    /**
     * The 5.x proxy in CLUSTER mode, a process of its own (as {@code mqproxy -pm cluster} runs it):
     * it finds brokers through the NameServers, so 5.x clients keep working when one broker dies.
     */
    static Started startClusterProxy(Path baseDir, int grpcPort, int remotingPort, String namesrvAddr, Properties settings)
        throws Exception {
        ProxyConfig proxyConfig = configureProxy(baseDir, "cluster", namesrvAddr, grpcPort, remotingPort, settings);
        ProxyMetricsManager.initClusterMode(proxyConfig);
        DefaultMessagingProcessor processor = DefaultMessagingProcessor.createForClusterMode();
        GrpcMessagingApplication application = GrpcMessagingApplication.create(processor);
        GrpcServer grpcServer = grpcServerBuilder(proxyConfig).addService(application).configInterceptor().build();
        RemotingProtocolServer remotingServer = new RemotingProtocolServer(processor, new TlsCertificateManager());
        processor.start();
        application.start();
        grpcServer.start();
        remotingServer.start();
        RUNNING.add(() -> {
            remotingServer.shutdown();
            grpcServer.shutdown();
            application.shutdown();
            processor.shutdown();
        });
        return new Started(namesrvAddr, null, "127.0.0.1:" + grpcPort, "127.0.0.1:" + remotingPort);
    }

    /**
     * The proxy's configuration: {@code config/rmq-proxy.json}, the mode ({@code local}: inside the
     * broker's JVM; {@code cluster}: a process of its own), its NameServers and ports, TLS
     * ("permissive", see {@link ServerCertificate}), then the {@code proxy.}-prefixed settings.
     */
    private static ProxyConfig configureProxy(Path baseDir, String mode, String namesrvAddr, int grpcPort, int remotingPort,
                                              Properties settings) throws Exception {
        Path proxyJson = copyConfig("rmq-proxy.json", Files.createDirectories(baseDir.resolve("conf")));
        System.setProperty(Configuration.CONFIG_PATH_PROPERTY, proxyJson.toString());
        ConfigurationManager.initEnv();
        ConfigurationManager.initConfig();
        ProxyConfig proxyConfig = ConfigurationManager.getProxyConfig();
        proxyConfig.setProxyMode(mode);
        proxyConfig.setNamesrvAddr(namesrvAddr);
        proxyConfig.setGrpcServerPort(grpcPort);
        proxyConfig.setRemotingListenPort(remotingPort);
        ServerCertificate.configure(proxyConfig);
        Properties proxySettings = new Properties();
        settings.stringPropertyNames().stream().filter(k -> k.startsWith("proxy."))
            .forEach(k -> proxySettings.setProperty(k.substring("proxy.".length()), settings.getProperty(k)));
        MixAll.properties2Object(proxySettings, proxyConfig);
        // ACL 2.0 keys (proxy.authenticationEnabled, ...) are the proxy's AuthConfig, not its ProxyConfig.
        MixAll.properties2Object(proxySettings, ConfigurationManager.getAuthConfig());
        return proxyConfig;
    }

    /** The proxy's gRPC server (its TLS context made here: the slow part of a proxy's start). */
    private static GrpcServerBuilder grpcServerBuilder(ProxyConfig proxyConfig) throws Exception {
        ThreadPoolExecutor grpcExecutor = new ThreadPoolExecutor(proxyConfig.getGrpcThreadPoolNums(),
            proxyConfig.getGrpcThreadPoolNums(), 1, TimeUnit.MINUTES,
            new LinkedBlockingQueue<>(proxyConfig.getGrpcThreadPoolQueueCapacity()));
        return GrpcServerBuilder.newBuilder(grpcExecutor, proxyConfig.getGrpcServerPort(), new TlsCertificateManager());
    }

    static Started start(Path baseDir, Ports ports, Properties fast) throws Exception {
        String host = "127.0.0.1";
        String namesrvAddr = host + ":" + ports.namesrv;

        // The three servers are independent until they are wired together, and most of a cold
        // start is class loading and TLS set-up: do the slow parts side by side.
        // 1. NameServer: the routing table. Brokers register here; clients ask it where topics live.
        CompletableFuture<NamesrvController> namesrvReady = CompletableFuture.supplyAsync(() -> startNamesrv(baseDir, ports.namesrv));

        // 3a. Proxy configuration and its gRPC server's TLS context ("permissive" mode, as a default
        // installation: TLS and plaintext clients both work; see ServerCertificate).
        CompletableFuture<GrpcServerBuilder> grpcReady = CompletableFuture.supplyAsync(() -> {
            try {
                return grpcServerBuilder(configureProxy(baseDir, "local", namesrvAddr, ports.proxy, ports.proxyRemoting, fast));
            } catch (Exception e) {
                throw new IllegalStateException("Proxy failed to configure: " + e.getMessage(), e);
            }
        });

        // 2. Broker (started below, once the NameServer listens).
        BrokerController broker = createBroker(baseDir, ports.broker, namesrvAddr, fast);

        // 3b. Proxy, LOCAL mode: the gRPC endpoint rocketmq-client-java talks to, plus a remoting
        // endpoint for classic clients, both backed by the broker in this JVM.
        GrpcServerBuilder grpcBuilder = join(grpcReady);
        ProxyMetricsManager.initLocalMode(broker.getBrokerMetricsManager(), ConfigurationManager.getProxyConfig());
        DefaultMessagingProcessor processor = DefaultMessagingProcessor.createForLocalMode(broker);
        GrpcMessagingApplication application = GrpcMessagingApplication.create(processor);
        GrpcServer grpcServer = grpcBuilder.addService(application).configInterceptor().build();
        RemotingProtocolServer remotingServer = new RemotingProtocolServer(processor, new TlsCertificateManager());

        NamesrvController namesrv = join(namesrvReady);
        RUNNING.add(namesrv::shutdown);
        broker.start();
        RUNNING.add(0, broker::shutdown);
        processor.start();
        application.start();
        grpcServer.start();
        remotingServer.start();
        // Stopped first: no client is served while the broker below shuts down.
        RUNNING.add(0, () -> {
            remotingServer.shutdown();
            grpcServer.shutdown();
            application.shutdown();
            processor.shutdown();
        });
        awaitRegistration(broker);
        return new Started(namesrvAddr, broker.getBrokerAddr(), host + ":" + ports.proxy,
            host + ":" + ports.proxyRemoting);
    }

    /**
     * A broker alone, registering with a running NameServer: a second master of the cluster, or
     * a slave (same brokerName, brokerId 1, brokerRole SLAVE). Phase 5 builds clusters from these.
     */
    static BrokerController startBroker(Path baseDir, int port, String namesrvAddr, Properties settings) throws Exception {
        BrokerController broker = createBroker(baseDir, port, namesrvAddr, settings);
        broker.start();
        awaitRegistration(broker);
        return broker;
    }

    /** A broker parsed from broker.conf by RocketMQ's own parser (as mqbroker -c does), plus settings. */
    private static BrokerController createBroker(Path baseDir, int port, String namesrvAddr, Properties settings)
        throws Exception {
        Path brokerConf = copyConfig("broker.conf", Files.createDirectories(baseDir.resolve("conf")));
        ConfigContext ctx = BrokerStartup.configFileToConfigContext(brokerConf.toString());
        Properties brokerSettings = new Properties();
        settings.stringPropertyNames().stream().filter(k -> !k.startsWith("proxy."))
            .forEach(k -> brokerSettings.setProperty(k, settings.getProperty(k)));
        // Every config broker.conf can set, as RocketMQ's own parser does for the file's keys.
        MixAll.properties2Object(brokerSettings, ctx.getBrokerConfig());
        MixAll.properties2Object(brokerSettings, ctx.getMessageStoreConfig());
        MixAll.properties2Object(brokerSettings, ctx.getNettyServerConfig());
        MixAll.properties2Object(brokerSettings, ctx.getNettyClientConfig());
        MixAll.properties2Object(brokerSettings, ctx.getAuthConfig());
        String host = "127.0.0.1";
        ctx.getBrokerConfig().setNamesrvAddr(namesrvAddr);
        ctx.getBrokerConfig().setBrokerIP1(host);
        ctx.getNettyServerConfig().setListenPort(port);
        ctx.getNettyServerConfig().setBindAddress(host);
        MessageStoreConfig store = ctx.getMessageStoreConfig();
        store.setHaListenPort(port + 1);
        store.setStorePathRootDir(baseDir.resolve("store").toString());
        store.setStorePathCommitLog(baseDir.resolve("store/commitlog").toString());
        ctx.getAuthConfig().setConfigName(ctx.getBrokerConfig().getBrokerName());
        ctx.getAuthConfig().setClusterName(ctx.getBrokerConfig().getBrokerClusterName());
        ctx.getAuthConfig().setAuthConfigPath(baseDir.resolve("store/config").toString());
        BrokerController broker = new BrokerController(ctx.getBrokerConfig(), ctx.getNettyServerConfig(),
            ctx.getNettyClientConfig(), store, ctx.getAuthConfig());
        broker.getConfiguration().registerConfig(ctx.getProperties());
        check(broker.initialize(), "Broker failed to initialize (see the server log)");
        // Without this, a broker that has ended one transaction spins a CPU core once idle (5.5.0).
        IdleSafeTransactionalMessageService.install(broker);
        return broker;
    }

    private static <T> T join(CompletableFuture<T> future) throws Exception {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /**
     * The broker's first registration is sometimes dropped: register again until every NameServer
     * knows the broker, so the first client sees a route at once instead of ~10 s later (with two
     * NameServers, one of them missing a broker until its next registration was seen here).
     */
    private static void awaitRegistration(BrokerController broker) throws InterruptedException {
        String brokerName = broker.getBrokerConfig().getBrokerName();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 20; i++) {
                if (registered(broker, brokerName)) {
                    return;
                }
                Thread.sleep(25);
            }
            broker.registerBrokerAll(true, false, true);
        }
        throw new IllegalStateException("the broker did not register with the NameServer within 20 s");
    }

    /** Asks each NameServer (as a client would) whether it routes to this broker. */
    private static boolean registered(BrokerController broker, String brokerName) {
        for (String namesrv : broker.getBrokerConfig().getNamesrvAddr().split(";")) {
            try {
                org.apache.rocketmq.remoting.protocol.RemotingCommand response = broker.getBrokerOuterAPI().getRemotingClient()
                    .invokeSync(namesrv, org.apache.rocketmq.remoting.protocol.RemotingCommand.createRequestCommand(
                        org.apache.rocketmq.remoting.protocol.RequestCode.GET_BROKER_CLUSTER_INFO, null), 3000);
                BrokerData data = response.getBody() == null ? null
                    : org.apache.rocketmq.remoting.protocol.body.ClusterInfo.decode(response.getBody(),
                        org.apache.rocketmq.remoting.protocol.body.ClusterInfo.class).getBrokerAddrTable().get(brokerName);
                if (data == null || !data.getBrokerAddrs().containsValue(broker.getBrokerAddr())) {
                    return false;
                }
            } catch (Exception notYet) {
                return false;
            }
        }
        return true;
    }

    private static Path copyConfig(String name, Path dir) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = ServerMain.class.getResourceAsStream(CONFIG + name)) {
            check(in != null, "missing resource " + CONFIG + name + ": build the stack module");
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }

    /**
     * Ends this JVM when standard input closes (the parent JVM has exited or was killed), after
     * {@code beforeExit}.
     */
    private static void watchParent(Runnable beforeExit) {
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // The parent never writes; any byte is ignored.
                }
            } catch (IOException ignored) {
                // Closed: same as end of stream.
            }
            beforeExit.run();
            Runtime.getRuntime().halt(0);
        }, "stack-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /**
     * The servers keep writing (logs, store files; a broker still starting creates its files one
     * after the other) until the halt: delete until it is gone, for up to 5 s.
     */
    private static void deleteUntilGone(Path dir) {
        for (int attempt = 0; attempt < 50 && Files.exists(dir); attempt++) {
            learn.rocketmq.stack.WorkDir.deleteTree(dir);
            try {
                Thread.sleep(Files.exists(dir) ? 100 : 0);
            } catch (InterruptedException e) {
                break;
            }
        }
    }

    /** The listening ports of one stack. The broker also listens on broker-2 (VIP) and broker+1 (HA). */
    public record Ports(int namesrv, int broker, int proxy, int proxyRemoting) {
        private static final java.util.Random RANDOM = new java.util.Random();

        static Ports standard() throws IOException {
            List<String> busy = new ArrayList<>();
            for (int port : new int[] {9876, 10909, 10911, 10912, 8081, 8080}) {
                if (!isFree(port)) {
                    busy.add(String.valueOf(port));
                }
            }
            if (!busy.isEmpty()) {
                throw new IllegalStateException("port(s) " + String.join(", ", busy)
                    + " already in use: is a RocketMQ already running (./rocketmq up, docker compose up)? Stop it first");
            }
            return new Ports(9876, 10911, 8081, 8080);
        }

        /** One free (and claimed) port: for a server that listens on one. */
        public static int one() throws IOException {
            return freePort(new HashSet<>());
        }

        public static Ports free() throws IOException {
            return free(new HashSet<>());
        }

        /** Free ports none of which is in {@code taken} (those chosen for other servers, not bound yet); adds them to it. */
        public static Ports free(Set<Integer> taken) throws IOException {
            int namesrv = freePort(taken);
            int broker;
            do {
                broker = freePort(taken);
            } while (taken.contains(broker - 2) || taken.contains(broker + 1) || !isFree(broker - 2) || !isFree(broker + 1)
                || !claim(broker - 2) || !claim(broker + 1));
            taken.add(broker - 2);
            taken.add(broker + 1);
            return new Ports(namesrv, broker, freePort(taken), freePort(taken));
        }

        /**
         * A free port below the range the OS gives outgoing connections (Linux 32768-60999, macOS
         * 49152-65535): a port from that range can be taken by some client's connection in the
         * seconds between choosing it and binding it ("Failed to bind", seen in CI).
         */
        private static int freePort(Set<Integer> taken) throws IOException {
            int low = 20000;
            int high = ephemeralLow() - 2;
            for (int attempt = 0; high - low > 1000 && attempt < 500; attempt++) {
                int port = low + RANDOM.nextInt(high - low);
                if (!taken.contains(port) && isFree(port) && claim(port)) {
                    taken.add(port);
                    return port;
                }
            }
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(false);
                socket.bind(new InetSocketAddress(0));
                taken.add(socket.getLocalPort());
                return socket.getLocalPort();
            }
        }

        /**
         * A port free now may be chosen by another of our server JVMs before either binds it: the
         * servers of a cluster, and the stacks of parallel test JVMs, start side by side ("Failed
         * to bind", seen in CI). So a chosen port is claimed first, by creating a file named after
         * it and the minute (atomic across processes). A claim lasts that minute and the next: by
         * then the port is bound, so not free, or was never used.
         */
        static boolean claim(int port) {
            try {
                Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "learn-rocketmq", "ports"));
                long minute = System.currentTimeMillis() / 60_000;
                if (!sweptClaims) {
                    sweptClaims = true;
                    try (var old = Files.list(dir)) {
                        old.filter(f -> Long.parseLong(f.getFileName().toString().replaceAll(".*\\.", "")) < minute - 1)
                            .forEach(f -> f.toFile().delete());
                    }
                }
                if (Files.exists(dir.resolve(port + "." + (minute - 1)))) {
                    return false;
                }
                Files.createFile(dir.resolve(port + "." + minute));
                return true;
            } catch (java.nio.file.FileAlreadyExistsException claimed) {
                return false;
            } catch (IOException | RuntimeException cannotClaim) {
                return true; // no shared directory: as before, free is free enough
            }
        }

        private static volatile boolean sweptClaims;

        private static int ephemeralLow() {
            try {
                // readAllLines: Files.readString reads a /proc file (size 0) as its first byte only.
                String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0);
                return Integer.parseInt(range.trim().split("\\s+")[0]);
            } catch (IOException | RuntimeException notLinux) {
                return 32768;
            }
        }

        /** Those of {@code ports} something listens on already. */
        public static List<Integer> busy(List<Integer> ports) {
            return ports.stream().filter(port -> !isFree(port)).toList();
        }

        private static boolean isFree(int port) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(port));
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }
}

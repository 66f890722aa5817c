package dev.llmmemorygraph.neo4jserver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.Version;

/**
 * A Neo4j Community database with a Bolt listener on loopback, for development, tests and
 * benchmarks on machines without Docker.
 *
 * <pre>
 *   NEO4J_PASSWORD=... java -cp ... Neo4jServer --port 7687 --data DIR [--page-cache 1g]
 * </pre>
 *
 * Auth is on: the password of user {@code neo4j} is set from NEO4J_PASSWORD at every start.
 * The heap is the JVM's ({@code -Xmx}, set by ./run); the page cache is bounded here. Once Bolt
 * accepts connections it prints one line holding the bolt:// URI. SIGTERM (or Ctrl-C) shuts
 * the database down cleanly: the JVM runs the shutdown hook, which checkpoints and closes.
 */
public final class Neo4jServer {
    private static final String USAGE =
            "usage: Neo4jServer --port PORT --data DIR [--page-cache SIZE_MB]  (password from NEO4J_PASSWORD)";

    private Neo4jServer() {}

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> options = parse(args);
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            fail("set NEO4J_PASSWORD to the password for user neo4j (8 characters or more)");
        }
        int port = Integer.parseInt(options.get("--port"));
        Path data = Path.of(options.get("--data")).toAbsolutePath();
        long pageCacheMb = Long.parseLong(options.getOrDefault("--page-cache", "512"));
        try {
            Files.createDirectories(data);
        } catch (java.io.IOException e) {
            fail("cannot create the data folder " + data + ": " + e.getMessage());
        }

        SocketAddress bolt = new SocketAddress("127.0.0.1", port);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(data)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(BoltConnector.advertised_address, bolt)
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                // Keep the transaction logs small: this server is for development and tests.
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "1 files")
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(64))
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // The databases are checkpointed before Bolt stops; its 5 s waits only slow a stop.
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }, "neo4j-shutdown"));

        try {
            setPassword(dbms, password);
        } catch (RuntimeException e) {
            System.err.println("neo4j-server: cannot set the password of user neo4j: " + e.getMessage());
            System.exit(1); // the shutdown hook stops the database
        }
        System.out.println("Neo4j " + Version.getNeo4jVersion() + " ready at bolt://" + bolt
                + " (data: " + data + ")");
        System.out.flush();
        stopped.await();
    }

    /**
     * Embedded transactions on the system database run with full rights, so this sets the
     * password without the "change it at first login" step a fresh server insists on.
     */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PLAINTEXT PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (RuntimeException e) {
            // A restart on the same folder with the same password: Neo4j refuses to "change" it.
            if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                throw e;
            }
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                fail(USAGE);
            }
            options.put(args[i], args[i + 1]);
        }
        if (!options.containsKey("--port") || !options.containsKey("--data")) {
            fail(USAGE);
        }
        return options;
    }

    private static void fail(String message) {
        System.err.println("neo4j-server: " + message);
        System.exit(2);
    }
}

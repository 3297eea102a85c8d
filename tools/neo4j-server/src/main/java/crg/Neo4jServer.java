package crg;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.Map;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.api.procedure.GlobalProcedures;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.UserAggregationFunction;
import org.neo4j.procedure.UserFunction;

/**
 * A Neo4j 5 Community server for one test session or one `make run-neo4j`: the embedded database
 * with Bolt on 127.0.0.1 only and authentication on.
 *
 * <p>Usage: {@code Neo4jServer HOME PORT PASSWORD_FILE PAGECACHE_MB}. When the environment names
 * a directory in {@code CRG_NEO4J_PLUGINS} (the benchmark's peer: APOC core, which the Neo4j
 * GraphQL Library calls; {@code target/plugins}), it becomes Neo4j's plugin directory with
 * {@code apoc.*} unrestricted; without it no plugin is loaded, as in the tests. The password is read from a
 * file (never from the command line, which other users can see) and set on the {@code neo4j}
 * user before Bolt is announced. One line {@code ready bolt://127.0.0.1:PORT} on stdout says the
 * server takes connections. The server stops cleanly on SIGTERM and when its standard input
 * closes, so it cannot outlive the process that started it; SIGKILL is the crash tests' business.
 */
public final class Neo4jServer {
    private Neo4jServer() {}

    public static void main(String[] args) {
        try {
            serve(args);
        } catch (Exception e) {
            // The database threads would keep the JVM up after a failed start; end it instead.
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void serve(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: Neo4jServer HOME PORT PASSWORD_FILE PAGECACHE_MB");
            System.exit(2);
        }
        Path home = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        String password = Files.readString(Path.of(args[2]), StandardCharsets.UTF_8).strip();
        long pageCacheMb = Long.parseLong(args[3]);
        SocketAddress bolt = new SocketAddress("127.0.0.1", port);

        String plugins = System.getenv("CRG_NEO4J_PLUGINS");
        URLClassLoader apoc = null;
        if (plugins != null && !plugins.isEmpty()) {
            // APOC registers its configuration as a kernel extension, which Neo4j finds through
            // the context class loader; its procedures are registered below from the same
            // loader (the plugin directory's own loader would not see that extension's classes).
            List<URL> jars = new ArrayList<>();
            try (DirectoryStream<Path> found = Files.newDirectoryStream(Path.of(plugins), "*.jar")) {
                for (Path jar : found) {
                    jars.add(jar.toUri().toURL());
                }
            }
            apoc = new URLClassLoader(jars.toArray(URL[]::new), Neo4jServer.class.getClassLoader());
            Thread.currentThread().setContextClassLoader(apoc);
        }
        // Built after the context class loader is set: the builder looks for extensions at once.
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
        if (apoc != null) {
            builder.setConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("apoc.*"));
        }
        DatabaseManagementService dbms = builder
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                .setConfig(BoltConnector.advertised_address, bolt)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress("127.0.0.1"))
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress("127.0.0.1"))
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(2))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown, "neo4j-shutdown"));

        // Embedded calls are trusted, so the administrator's password is set here; clients then
        // need it over Bolt like on any installed server.
        try {
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (QueryExecutionException e) {
            // A data directory started before keeps its password; any other refusal is fatal.
            if (!e.getMessage().contains("Old password and new password cannot be the same")) {
                throw e;
            }
        }
        if (apoc != null) {
            registerApoc(dbms, apoc, Path.of(plugins));
        }
        dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");

        System.out.println("ready bolt://127.0.0.1:" + port);
        System.out.flush();

        InputStream in = System.in;
        while (in.read() != -1) {
            // Anything written to stdin is ignored; its end is the signal to stop.
        }
        System.exit(0); // runs the shutdown hook
    }

    /** Every procedure and function class of the APOC core jar in {@code plugins}, registered. */
    private static void registerApoc(DatabaseManagementService dbms, ClassLoader loader, Path plugins)
            throws IOException {
        GlobalProcedures procedures = ((GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME))
                .getDependencyResolver().resolveDependency(GlobalProcedures.class);
        int registered = 0;
        try (DirectoryStream<Path> found = Files.newDirectoryStream(plugins, "apoc-core-*.jar");) {
            for (Path jar : found) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    for (JarEntry entry : Collections.list(file.entries())) {
                        String name = entry.getName();
                        if (!name.endsWith(".class") || name.contains("$")) {
                            continue;
                        }
                        registered += register(procedures, loader, name.substring(0, name.length() - 6).replace('/', '.'));
                    }
                }
            }
        }
        System.err.println("APOC: " + registered + " procedure and function classes registered");
    }

    private static int register(GlobalProcedures procedures, ClassLoader loader, String name) {
        try {
            Class<?> cls = Class.forName(name, false, loader);
            boolean procedure = false, function = false, aggregation = false;
            for (Method method : cls.getDeclaredMethods()) {
                procedure |= method.isAnnotationPresent(Procedure.class);
                function |= method.isAnnotationPresent(UserFunction.class);
                aggregation |= method.isAnnotationPresent(UserAggregationFunction.class);
            }
            if (procedure) {
                procedures.registerProcedure(cls);
            }
            if (function) {
                procedures.registerFunction(cls);
            }
            if (aggregation) {
                procedures.registerAggregationFunction(cls);
            }
            return procedure || function || aggregation ? 1 : 0;
        } catch (Exception | LinkageError e) {
            System.err.println("APOC: " + name + " not registered: " + e);
            return 0;
        }
    }
}

package dev.foxml.training.events.jmh;

import dev.foxml.training.events.TrainingEventEmitter;
import dev.foxml.training.events.TrainingEvents;
import dev.foxml.training.events.core.TrainingEventEmitterBuilder;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a trainer waits for at start-up, each figure from a fresh JVM: a harness that launches
 * child JVMs (the class path of this one) one after the other. Each child calls
 * {@code TrainingEvents.init(runId)} (the socket and file paths as system properties, everything
 * else default), then emits one progress event and closes the emitter; a reader listening in this
 * JVM records when each line arrives. Per child:
 *
 * <ul>
 *   <li>{@code init}: how long {@code TrainingEvents.init} blocked the trainer;</li>
 *   <li>{@code init→run_start}: from init's return until the reader has the {@code run_start}
 *       line (the emitter's first event), and {@code call→run_start} from init's call;</li>
 *   <li>{@code emit→reader}: from the first emit call after init until the reader has that line;</li>
 *   <li>{@code preload}: the child loading jackson-core (a generator writing a small object) and
 *       slf4j (a logger) before init, as an application that already uses them has done
 *       (variant {@code preloaded}); the {@code cold} variant loads nothing first.</li>
 * </ul>
 *
 * <p>The times of the two JVMs are compared directly: on Linux {@code System.nanoTime()} is
 * {@code CLOCK_MONOTONIC}, one clock for every process of the machine. A child whose lines do
 * not all arrive fails the harness (exit status 1) instead of reporting. Percentiles are the
 * nearest rank over the runs.
 *
 * <pre>
 * java -cp emitter-jmh/target/benchmarks.jar dev.foxml.training.events.jmh.StartupHarness --runs 20
 * # on the JDK's own Unix channel instead of junixsocket
 * java -cp emitter-jmh/target/benchmarks.jar dev.foxml.training.events.jmh.StartupHarness --runs 20 \
 *     --jvm-arg -Dorg.newsclub.net.unix.library.disable=true
 * </pre>
 */
public final class StartupHarness {
    private static final String[] FIGURES = {"init", "call→run_start", "init→run_start", "emit→reader", "preload"};

    private StartupHarness() {
    }

    /**
     * Runs the children and prints the figures.
     *
     * @param args {@code --runs N} (per variant, default 20), {@code --variants cold,preloaded},
     *     {@code --jvm-arg ARG} (repeatable: passed to every child JVM)
     * @throws Exception when a child cannot be started or waited for
     */
    public static void main(String[] args) throws Exception {
        int runs = 20;
        List<String> variants = List.of("cold", "preloaded");
        List<String> jvmArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--runs": runs = Integer.parseInt(value); i++; break;
                case "--variants": variants = Arrays.asList(value.split(",")); i++; break;
                case "--jvm-arg": jvmArgs.add(value); i++; break;
                default:
                    System.err.println("unknown argument " + args[i]
                            + "; use --runs N --variants cold,preloaded --jvm-arg ARG");
                    System.exit(2);
            }
        }
        for (String v : variants) {
            if (!"cold".equals(v) && !"preloaded".equals(v)) {
                System.err.println("--variants: " + v + " is neither cold nor preloaded");
                System.exit(2);
            }
        }
        Map<String, Map<String, List<Double>>> figures = new LinkedHashMap<>();
        int failures = 0;
        // Alternating the variants spreads the machine's noise over both alike.
        for (int run = 0; run < runs; run++) {
            for (String variant : variants) {
                Map<String, Double> one = runChild(variant, jvmArgs);
                if (one == null) {
                    failures++;
                    continue;
                }
                Map<String, List<Double>> all = figures.computeIfAbsent(variant, k -> new LinkedHashMap<>());
                one.forEach((name, ms) -> all.computeIfAbsent(name, k -> new ArrayList<>()).add(ms));
            }
        }
        System.out.printf("%n[startup] ms, %d runs per variant, child JVM args %s%n", runs, jvmArgs);
        System.out.printf("[startup] %-10s %-15s %8s %8s %8s %8s%n", "variant", "figure", "min", "p50", "p90", "max");
        for (Map.Entry<String, Map<String, List<Double>>> v : figures.entrySet()) {
            for (String name : FIGURES) {
                List<Double> values = v.getValue().get(name);
                if (values == null) {
                    continue;
                }
                double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                System.out.printf("[startup] %-10s %-15s %8.1f %8.1f %8.1f %8.1f%n", v.getKey(), name,
                        sorted[0], rank(sorted, 0.5), rank(sorted, 0.9), sorted[sorted.length - 1]);
            }
        }
        if (failures > 0) {
            System.out.println("[startup] FAILED: " + failures + " child run(s) lost a line or failed (see above)");
            System.exit(1);
        }
    }

    private static double rank(double[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** One child JVM; its figures in ms, or null (after printing why) when it failed. */
    private static Map<String, Double> runChild(String variant, List<String> jvmArgs) throws Exception {
        Path dir = TempDirs.create();
        try (ArrivalRecorder reader = new ArrivalRecorder(dir.resolve("events.sock"))) {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmArgs);
            command.add("-D" + TrainingEventEmitterBuilder.SOCKET_PROPERTY + "=" + reader.path);
            command.add("-D" + TrainingEventEmitterBuilder.FILE_PROPERTY + "=" + dir.resolve("fallback.jsonl"));
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(Child.class.getName());
            command.add(variant);
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            List<String> output = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    output.add(line);
                }
            }
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
                System.out.println("[startup] a " + variant + " child did not exit within 60 s: " + output);
                return null;
            }
            Map<String, Long> times = new LinkedHashMap<>();
            for (String line : output) {
                if (line.startsWith("startup-child ")) {
                    for (String pair : line.substring("startup-child ".length()).split(" ")) {
                        String[] kv = pair.split("=");
                        times.put(kv[0], Long.parseLong(kv[1]));
                    }
                }
            }
            if (child.exitValue() != 0 || !times.containsKey("emitCall")) {
                System.out.println("[startup] a " + variant + " child failed (exit " + child.exitValue() + "): " + output);
                return null;
            }
            if (!reader.awaitLines(2, 10_000)) {
                System.out.println("[startup] a " + variant + " child's lines did not all arrive: "
                        + reader.lines + " lines; child said " + output);
                return null;
            }
            Map<String, Double> ms = new LinkedHashMap<>();
            ms.put("init", (times.get("initReturned") - times.get("initCalled")) / 1e6);
            ms.put("call→run_start", (reader.arrivals[0] - times.get("initCalled")) / 1e6);
            ms.put("init→run_start", (reader.arrivals[0] - times.get("initReturned")) / 1e6);
            ms.put("emit→reader", (reader.arrivals[1] - times.get("emitCall")) / 1e6);
            if (times.containsKey("preloadStart")) {
                ms.put("preload", (times.get("initCalled") - times.get("preloadStart")) / 1e6);
            }
            return ms;
        } finally {
            TempDirs.delete(dir);
        }
    }

    /**
     * Listens at a path and records when the first two lines arrive ({@code System.nanoTime()} at
     * the read that completed each), from the first connection.
     */
    private static final class ArrivalRecorder implements AutoCloseable {
        final Path path;
        final long[] arrivals = new long[2];
        volatile int lines;
        private final ServerSocketChannel server;
        private final Thread thread;

        ArrivalRecorder(Path path) {
            this.path = path;
            try {
                server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                server.bind(UnixDomainSocketAddress.of(path));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            thread = new Thread(this::run, "jmh-startup-reader");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            try (SocketChannel c = server.accept()) {
                int n;
                while ((n = c.read(buf)) >= 0) {
                    long now = System.nanoTime();
                    int seen = lines;
                    for (int i = 0; i < n; i++) {
                        if (buf.get(i) == '\n' && seen < arrivals.length) {
                            arrivals[seen++] = now;
                        }
                    }
                    lines = seen;
                    buf.clear();
                }
            } catch (IOException e) {
                // closed: the run is over
            }
        }

        boolean awaitLines(int count, long timeoutMillis) {
            return DrainingSocketReader.await(() -> lines, count, timeoutMillis);
        }

        @Override
        public void close() throws IOException {
            server.close();
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Files.deleteIfExists(path);
        }
    }

    /**
     * The child JVM: init, one emit, close; prints its clock readings. Nothing before init loads
     * anything the variant does not ask for (no string concatenation, no lambdas).
     */
    public static final class Child {
        private Child() {
        }

        /**
         * Runs one start-up.
         *
         * @param args {@code cold} or {@code preloaded}
         * @throws IOException when the preloaded generator fails
         */
        public static void main(String[] args) throws IOException {
            boolean preload = "preloaded".equals(args[0]);
            long preloadStart = 0;
            if (preload) {
                preloadStart = System.nanoTime();
                com.fasterxml.jackson.core.JsonGenerator g = new com.fasterxml.jackson.core.JsonFactory()
                        .createGenerator(new ByteArrayOutputStream());
                g.writeStartObject();
                g.writeNumberField("n", 1.5);
                g.writeEndObject();
                g.close();
                org.slf4j.LoggerFactory.getLogger(Child.class).debug("loaded");
            }
            long initCalled = System.nanoTime();
            TrainingEventEmitter emitter = TrainingEvents.init("startup-harness");
            long initReturned = System.nanoTime();
            long emitCall = System.nanoTime();
            emitter.emitProgress("training", 1.0);
            emitter.close();
            StringBuilder out = new StringBuilder("startup-child");
            out.append(" initCalled=").append(initCalled)
                    .append(" initReturned=").append(initReturned)
                    .append(" emitCall=").append(emitCall);
            if (preload) {
                out.append(" preloadStart=").append(preloadStart);
            }
            System.out.println(out);
        }
    }
}

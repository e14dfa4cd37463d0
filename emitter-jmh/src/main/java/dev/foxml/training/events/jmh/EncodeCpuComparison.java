package dev.foxml.training.events.jmh;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Compares the encoders of several builds (their {@code benchmarks.jar}) on a shared, loaded
 * machine, where {@link EncodeBenchmark}'s wall-clock figures of separate runs drift with the load
 * more than the differences sought: all builds run in one JVM, each in its own class loader,
 * timed by the thread's CPU time (time spent waiting for a CPU is not counted) in short slices
 * taken in turn, so that the load hits every build alike. The events are {@link EncodeBenchmark}'s.
 *
 * <pre>
 * java -cp emitter-jmh/target/benchmarks.jar dev.foxml.training.events.jmh.EncodeCpuComparison a.jar b.jar ...
 *     [-Dslices=21] [-Dn=100000]
 * </pre>
 *
 * Prints, per build and event, the median and quartiles of the slices' CPU ns per event.
 */
public final class EncodeCpuComparison {
    static final String[] EVENTS = {"progress", "stageChange", "targetComplete", "runComplete", "error"};

    private EncodeCpuComparison() {
    }

    public static void main(String[] args) throws Exception {
        int slices = Integer.getInteger("slices", 21);
        int n = Integer.getInteger("n", 100_000);
        List<Method> builds = new ArrayList<>();
        for (String jar : args) {
            builds.add(new BuildLoader(Path.of(jar)).loadClass(EncodeCpuSlice.class.getName()).getMethod("measure", int.class));
        }
        for (int warm = 0; warm < 10; warm++) {
            for (Method build : builds) {
                build.invoke(null, n);
            }
        }
        double[][][] cpu = new double[builds.size()][EVENTS.length][slices];
        for (int s = 0; s < slices; s++) {
            for (int i = 0; i < builds.size(); i++) {
                int b = (i + s) % builds.size(); // each slice in another order
                double[] perEvent = (double[]) builds.get(b).invoke(null, n);
                for (int k = 0; k < EVENTS.length; k++) {
                    cpu[b][k][s] = perEvent[k];
                }
            }
        }
        System.out.printf("CPU ns per event: median [quartiles] of %d slices of %d events, builds in turn%n", slices, n);
        System.out.printf("%-28s", "build");
        for (String event : EVENTS) {
            System.out.printf("%22s", event);
        }
        System.out.println();
        for (int b = 0; b < builds.size(); b++) {
            System.out.printf("%-28s", Path.of(args[b]).getFileName());
            for (int k = 0; k < EVENTS.length; k++) {
                double[] sorted = cpu[b][k].clone();
                Arrays.sort(sorted);
                System.out.printf("%22s", String.format("%.0f [%.0f-%.0f]",
                        sorted[slices / 2], sorted[slices / 4], sorted[3 * slices / 4]));
            }
            System.out.println();
        }
    }

    /** One build's classes, and its own copy of {@link EncodeCpuSlice} compiled against them. */
    private static final class BuildLoader extends URLClassLoader {
        BuildLoader(Path jar) throws IOException {
            super(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (!name.equals(EncodeCpuSlice.class.getName())) {
                return super.findClass(name);
            }
            String resource = name.replace('.', '/') + ".class";
            try (InputStream in = EncodeCpuComparison.class.getClassLoader().getResourceAsStream(resource)) {
                byte[] bytes = in.readAllBytes();
                return defineClass(name, bytes, 0, bytes.length);
            } catch (IOException | NullPointerException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }
}

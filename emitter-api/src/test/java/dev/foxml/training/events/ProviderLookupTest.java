package dev.foxml.training.events;

import dev.foxml.training.events.spi.TrainingEventEmitterProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How {@link TrainingEvents#init(String)} finds its implementation, as a trainer's class path
 * presents it: no provider, one, several, one chosen by {@value TrainingEvents#PROVIDER_PROPERTY},
 * one that fails to load. Each case loads the API afresh in a class loader of its own (the API's
 * classes, the test providers, and a {@code META-INF/services} file written for the case), so that
 * the facade's one-time lookup runs again and nothing of it stays in this JVM's facade.
 */
class ProviderLookupTest {

    private static final String SERVICES = "META-INF/services/" + TrainingEventEmitterProvider.class.getName();

    @TempDir
    Path dir;

    @AfterEach
    void clearProperty() {
        System.clearProperty(TrainingEvents.PROVIDER_PROPERTY);
    }

    /** The API loaded afresh, seeing the given providers (in this order) and nothing else. */
    private URLClassLoader classPathWith(Class<?>... providers) throws Exception {
        Path services = dir.resolve("services-" + System.nanoTime());
        Files.createDirectories(services.resolve(SERVICES).getParent());
        Files.writeString(services.resolve(SERVICES),
                Arrays.stream(providers).map(Class::getName).collect(Collectors.joining("\n", "", "\n")));
        URL api = TrainingEvents.class.getProtectionDomain().getCodeSource().getLocation();
        URL tests = ProviderLookupTest.class.getProtectionDomain().getCodeSource().getLocation();
        return new URLClassLoader(new URL[] {api, tests, services.toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
    }

    /** {@code TrainingEvents.init(runId)} in that class loader: the run id of the emitter it made current. */
    private static Object init(ClassLoader loader, String runId) throws Throwable {
        Class<?> facade = loader.loadClass(TrainingEvents.class.getName());
        try {
            return facade.getMethod("init", String.class).invoke(null, runId);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static String runIdOf(ClassLoader loader, Object emitter) throws Exception {
        Method runId = loader.loadClass(TrainingEventEmitter.class.getName()).getMethod("runId");
        return (String) runId.invoke(emitter);
    }

    private static void emitAndShutdown(ClassLoader loader) throws Exception {
        Class<?> facade = loader.loadClass(TrainingEvents.class.getName());
        facade.getMethod("emitProgress", String.class, double.class).invoke(null, "training", 50.0);
        facade.getMethod("shutdown").invoke(null);
    }

    @Test
    void withNoProviderOneWarningAndEventsAreDiscardedWithoutAnException() throws Throwable {
        try (URLClassLoader loader = classPathWith(); StandardErr err = new StandardErr()) {
            Object emitter = init(loader, "r1");
            assertEquals(NoopTrainingEventEmitter.class.getName(), emitter.getClass().getName());
            assertEquals("r1", runIdOf(loader, emitter));
            emitAndShutdown(loader);
            Object again = init(loader, "r2");
            assertEquals("r2", runIdOf(loader, again));
            emitAndShutdown(loader);
            List<String> warnings = err.warnings();
            assertEquals(1, warnings.size(), "one warning, however many runs: " + warnings);
            assertTrue(warnings.get(0).contains("no training event implementation found on the class path"),
                    warnings.get(0));
            assertTrue(warnings.get(0).contains("dev.foxml.training:emitter-core"), "it says what to add");
        }
    }

    @Test
    void theOnlyProviderIsUsedWithoutAWarning() throws Throwable {
        try (URLClassLoader loader = classPathWith(TestProviders.Second.class); StandardErr err = new StandardErr()) {
            assertEquals("second:r", runIdOf(loader, init(loader, "r")));
            emitAndShutdown(loader);
            assertEquals(List.of(), err.warnings());
        }
    }

    @Test
    void ofSeveralProvidersTheFirstIsUsedWithAWarningThatSaysHowToChoose() throws Throwable {
        try (URLClassLoader loader = classPathWith(TestProviders.First.class, TestProviders.Second.class);
             StandardErr err = new StandardErr()) {
            assertEquals("first:r", runIdOf(loader, init(loader, "r")));
            List<String> warnings = err.warnings();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("2 training event providers found; using "
                    + TestProviders.First.class.getName()), warnings.get(0));
            assertTrue(warnings.get(0).contains("-D" + TrainingEvents.PROVIDER_PROPERTY), warnings.get(0));
        }
    }

    @Test
    void thePropertyChoosesAmongSeveralProviders() throws Throwable {
        System.setProperty(TrainingEvents.PROVIDER_PROPERTY, " " + TestProviders.Second.class.getName() + " ");
        try (URLClassLoader loader = classPathWith(TestProviders.First.class, TestProviders.Second.class);
             StandardErr err = new StandardErr()) {
            assertEquals("second:r", runIdOf(loader, init(loader, "r")));
            assertEquals(List.of(), err.warnings(), "a provider chosen needs no warning");
        }
    }

    @Test
    void aPropertyNamingAnAbsentProviderFallsBackToTheFirstWithAWarning() throws Throwable {
        System.setProperty(TrainingEvents.PROVIDER_PROPERTY, "com.example.Missing");
        try (URLClassLoader loader = classPathWith(TestProviders.First.class, TestProviders.Second.class);
             StandardErr err = new StandardErr()) {
            assertEquals("first:r", runIdOf(loader, init(loader, "r")));
            List<String> warnings = err.warnings();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("the provider com.example.Missing named by -D"
                    + TrainingEvents.PROVIDER_PROPERTY + " is not on the class path; using "
                    + TestProviders.First.class.getName()), warnings.get(0));
        }
    }

    @Test
    void aProviderThatFailsToLoadIsSkippedWithAWarning() throws Throwable {
        try (URLClassLoader loader = classPathWith(TestProviders.Broken.class, TestProviders.Second.class);
             StandardErr err = new StandardErr()) {
            assertEquals("second:r", runIdOf(loader, init(loader, "r")));
            List<String> warnings = err.warnings();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("skipping a training event provider that failed to load"),
                    warnings.get(0));
        }
    }

    @Test
    void aProviderThatCannotCreateAnEmitterGivesANoOpOneWithAWarning() throws Throwable {
        try (URLClassLoader loader = classPathWith(TestProviders.FailingCreate.class);
             StandardErr err = new StandardErr()) {
            Object emitter = init(loader, "r");
            assertEquals(NoopTrainingEventEmitter.class.getName(), emitter.getClass().getName());
            emitAndShutdown(loader);
            List<String> warnings = err.warnings();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("the training event emitter could not be created"), warnings.get(0));
        }
    }

    @Test
    void aConfigurationErrorReachesTheCaller() throws Throwable {
        try (URLClassLoader loader = classPathWith(TestProviders.BadConfiguration.class)) {
            Throwable thrown;
            try {
                init(loader, "r");
                thrown = null;
            } catch (Throwable t) {
                thrown = t;
            }
            assertInstanceOf(IllegalArgumentException.class, thrown);
            assertTrue(thrown.getMessage().contains("use a shorter path"));
            Class<?> facade = loader.loadClass(TrainingEvents.class.getName());
            assertFalse((Boolean) facade.getMethod("isInitialized").invoke(null), "nothing was made current");
        }
    }
}

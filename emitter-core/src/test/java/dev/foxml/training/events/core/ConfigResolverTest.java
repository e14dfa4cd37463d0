package dev.foxml.training.events.core;

import dev.foxml.training.events.TrainingEvents;
import dev.foxml.training.events.core.config.ConfigResolver;
import dev.foxml.training.events.core.config.ConfigResolver.Origin;
import dev.foxml.training.events.core.config.ConfigResolver.Source;
import dev.foxml.training.events.core.config.ConfigResolver.Value;
import dev.foxml.training.events.core.config.EmitterConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where each setting's value comes from (the builder, then the system property, then the
 * environment variable, then the default), the one rule that names environment variables, the
 * origin named in error messages, the transports' settings passed through, and secrets never shown.
 * Properties and environment are maps handed to the resolver: nothing real is changed.
 */
class ConfigResolverTest {

    @TempDir
    Path dir;

    private static ConfigResolver resolver(Map<String, String> properties, Map<String, String> environment,
                                           Map<String, String> builder) {
        return new ConfigResolver(Source.of(properties), Source.of(environment), builder);
    }

    private TrainingEventEmitterBuilder hermetic(Map<String, String> properties, Map<String, String> environment) {
        return DefaultTrainingEventEmitter.builder("run-r")
                .sources(properties, environment)
                .socketPath(dir.resolve("bridge.sock"))
                .filePath(dir.resolve("events.jsonl"))
                .shutdownHook(false);
    }

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), () -> "'" + part + "' missing from: " + message);
        }
    }

    // ---- precedence ----

    @Test
    void theBuilderWinsOverThePropertyOverTheVariableOverTheDefault() {
        String property = EmitterSetting.WORKER.property();
        String variable = EmitterSetting.WORKER.environmentVariable();
        Map<String, String> props = Map.of(property, "from-property");
        Map<String, String> env = Map.of(variable, "from-env");
        Map<String, String> builder = Map.of("worker", "from-builder");

        Value<String> all = resolver(props, env, builder).text(EmitterSetting.WORKER);
        assertEquals("from-builder", all.value());
        assertEquals(Origin.BUILDER, all.origin());
        assertEquals("setting(\"worker\", ...)", all.where());
        assertEquals("builder", all.label());

        Value<String> noBuilder = resolver(props, env, Map.of()).text(EmitterSetting.WORKER);
        assertEquals("from-property", noBuilder.value());
        assertEquals("the system property foxml.training.event.worker", noBuilder.where());
        assertEquals("-Dfoxml.training.event.worker", noBuilder.label());

        Value<String> envOnly = resolver(Map.of(), env, Map.of()).text(EmitterSetting.WORKER);
        assertEquals("from-env", envOnly.value());
        assertEquals("the environment variable FOXML_TRAINING_EVENT_WORKER", envOnly.where());
        assertEquals("$FOXML_TRAINING_EVENT_WORKER", envOnly.label());

        Value<String> socket = resolver(Map.of(), Map.of(), Map.of()).text(EmitterSetting.SOCKET);
        assertEquals(EmitterSetting.DEFAULT_SOCKET, socket.value());
        assertEquals(Origin.DEFAULT, socket.origin());
        assertEquals("default", socket.label());
        assertNull(resolver(Map.of(), Map.of(), Map.of()).text(EmitterSetting.HEARTBEAT_SECONDS).value(),
                "no heartbeat unless one is set");
    }

    @Test
    void aBuilderMethodWinsOverPropertyAndVariableAndTheLaterOfMethodAndSettingWins() {
        Map<String, String> props = Map.of(EmitterSetting.WORKER.property(), "from-property");
        Map<String, String> env = Map.of(EmitterSetting.WORKER.environmentVariable(), "from-env",
                EmitterSetting.HEARTBEAT_SECONDS.environmentVariable(), "30");
        assertEquals("method", hermetic(props, env).worker("method").config().worker());
        assertEquals("from-property", hermetic(props, env).config().worker());
        assertEquals("setting", hermetic(props, env).worker("method").setting("worker", "setting").config().worker());
        assertEquals("method", hermetic(props, env).setting("worker", "setting").worker("method").config().worker());
        assertEquals(Duration.ofSeconds(30), hermetic(props, env).config().heartbeatInterval());
        assertEquals(Duration.ofMillis(2500),
                hermetic(props, env).setting("heartbeat.seconds", "2.5").config().heartbeatInterval());
        assertEquals("from-property", hermetic(props, Map.of()).setting("worker", "x").setting("worker", null)
                .config().worker(), "a null value drops what the builder had");
        EmitterConfig sync = hermetic(Map.of(), Map.of(EmitterSetting.MODE.environmentVariable(), "journal"))
                .setting("mode", "sync").config();
        assertTrue(sync.synchronous() && !sync.journal(), "the builder's mode wins over the variable's");
    }

    // ---- names ----

    @Test
    void everyVariableIsItsPropertyUpperCasedWithDotsAndDashesAsUnderscores() {
        assertEquals("FOXML_TRAINING_EVENT_SOCKET", EmitterSetting.SOCKET.environmentVariable());
        assertEquals("FOXML_TRAINING_EVENT_HEARTBEAT_SECONDS", EmitterSetting.HEARTBEAT_SECONDS.environmentVariable());
        assertEquals("FOXML_TRAINING_EVENT_KAFKA_SASL_JAAS_CONFIG",
                EmitterSetting.environmentName("foxml.training.event.kafka.sasl-jaas.config"));
        assertEquals("FOXML_TRAINING_EVENT_", EmitterSetting.ENVIRONMENT_PREFIX);
        for (EmitterSetting setting : EmitterSetting.values()) {
            assertEquals(EmitterSetting.PREFIX + setting.key(), setting.property());
            assertEquals(EmitterSetting.environmentName(setting.property()), setting.environmentVariable());
            assertEquals(setting.key(), EmitterSetting.keyOfEnvironmentVariable(setting.environmentVariable()),
                    "read back exactly: " + setting);
            assertEquals(setting, EmitterSetting.forKey(setting.key()));
            assertFalse(setting.description().isBlank());
        }
        assertNull(EmitterSetting.keyOfEnvironmentVariable("HOME"));
        // The builder's constants are the same names.
        assertEquals(EmitterSetting.FILE.environmentVariable(), TrainingEventEmitterBuilder.FILE_ENV);
        assertEquals(EmitterSetting.TAGS.property(), TrainingEventEmitterBuilder.TAGS_PROPERTY);
        assertEquals(EmitterSetting.HEARTBEAT_SECONDS.environmentVariable(), TrainingEventEmitterBuilder.HEARTBEAT_ENV);
    }

    // ---- origins in messages ----

    @Test
    void aBadValueIsReportedWithWhereItCameFrom() {
        String variable = EmitterSetting.HEARTBEAT_SECONDS.environmentVariable();
        IllegalArgumentException fromEnv = assertThrows(IllegalArgumentException.class,
                () -> hermetic(Map.of(), Map.of(variable, "abc")).config());
        assertMentions(fromEnv.getMessage(), "the environment variable " + variable, "\"abc\"", "not a number",
                "in seconds");
        IllegalArgumentException fromProperty = assertThrows(IllegalArgumentException.class,
                () -> hermetic(Map.of(EmitterSetting.HEARTBEAT_SECONDS.property(), "abc"), Map.of(variable, "30"))
                        .config());
        assertMentions(fromProperty.getMessage(), "the system property foxml.training.event.heartbeat.seconds", "\"abc\"");
        IllegalArgumentException fromSetting = assertThrows(IllegalArgumentException.class,
                () -> hermetic(Map.of(), Map.of(variable, "30")).setting("heartbeat.seconds", "abc").config());
        assertMentions(fromSetting.getMessage(), "setting(\"heartbeat.seconds\", ...)", "\"abc\"");
        IllegalArgumentException socket = assertThrows(IllegalArgumentException.class,
                () -> hermetic(Map.of(), Map.of()).setting("socket", "relative.sock").config());
        assertMentions(socket.getMessage(), "setting(\"socket\", ...)", "relative path 'relative.sock'");
        System.out.println(fromEnv.getMessage());

        Value<String> value = resolver(Map.of(), Map.of(variable, "abc"), Map.of()).text(EmitterSetting.HEARTBEAT_SECONDS);
        assertEquals("foxml.training.event.heartbeat.seconds=\"abc\" (from $FOXML_TRAINING_EVENT_HEARTBEAT_SECONDS)",
                value.toString());
    }

    @Test
    void anUnknownSettingNameIsRefusedListingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> hermetic(Map.of(), Map.of()).setting("hearbeat.seconds", "30"));
        assertMentions(e.getMessage(), "\"hearbeat.seconds\"", "socket, file, mode, worker, heartbeat.seconds, tags",
                "kafka.<setting>", "without \"foxml.training.event.\"");
        assertThrows(IllegalArgumentException.class, () -> hermetic(Map.of(), Map.of()).setting("kafka", "x"));
        assertThrows(IllegalArgumentException.class, () -> hermetic(Map.of(), Map.of()).setting("provider", "x"));
        assertThrows(NullPointerException.class, () -> hermetic(Map.of(), Map.of()).setting(null, "x"));
        System.out.println(e.getMessage());
    }

    // ---- extensions ----

    @Test
    void transportSettingsArePassedOnFromBuilderPropertyAndVariableInThatOrder() {
        Map<String, String> env = new HashMap<>();
        env.put("FOXML_TRAINING_EVENT_KAFKA_BOOTSTRAP", "env:9092");
        env.put("FOXML_TRAINING_EVENT_KAFKA_SECURITY_PROTOCOL", "SSL");
        env.put("FOXML_TRAINING_EVENT_KAFKA_TOPIC", "env-topic");
        env.put(EmitterSetting.WORKER.environmentVariable(), "rank-1");
        env.put("HOME", "/root");
        Map<String, String> props = new HashMap<>();
        props.put("foxml.training.event.kafka.bootstrap", "property:9092");
        props.put("foxml.training.event.kafka.topic", "property-topic");
        props.put(TrainingEvents.PROVIDER_PROPERTY, "some.Provider");
        props.put(EmitterSetting.TAGS.property(), "a=b");
        props.put("java.version", "17");

        EmitterConfig config = hermetic(props, env)
                .setting("kafka.topic", "builder-topic")
                .setting("foxml.training.event.kafka.acks", "all")
                .setting("kafka.linger.ms", "5")
                .config();

        assertEquals(Map.of("kafka.acks", "all", "kafka.bootstrap", "property:9092", "kafka.linger.ms", "5",
                "kafka.security.protocol", "SSL", "kafka.topic", "builder-topic"), config.extensions());
        assertEquals(Map.of("a", "b"), config.tags(), "the emitter's own settings are not extensions");
        assertEquals("rank-1", config.worker());

        ConfigResolver resolver = resolver(props, env, Map.of());
        Value<String> bootstrap = resolver.extension("kafka.bootstrap");
        assertEquals("property:9092", bootstrap.value());
        assertEquals("the system property foxml.training.event.kafka.bootstrap", bootstrap.where());
        assertEquals("$FOXML_TRAINING_EVENT_KAFKA_SECURITY_PROTOCOL", resolver.extension("kafka.security.protocol").label());
        assertFalse(resolver.extension("kafka.nothing").isSet());
    }

    @Test
    void sourcesAskedNameByNameGiveNoExtensionsButStillResolve() {
        EmitterConfig config = DefaultTrainingEventEmitter.builder("run-r")
                .properties(name -> name.equals("foxml.training.event.kafka.bootstrap") ? "p:9092" : null)
                .environment(name -> name.equals(EmitterSetting.WORKER.environmentVariable()) ? "rank-2" : null)
                .socketPath(dir.resolve("bridge.sock")).filePath(dir.resolve("events.jsonl")).shutdownHook(false)
                .setting("kafka.topic", "t")
                .config();
        assertEquals(Map.of("kafka.topic", "t"), config.extensions());
        assertEquals("rank-2", config.worker());
    }

    // ---- secrets ----

    @Test
    void secretTransportSettingsAreNeverShown() {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"hunter2\";";
        Map<String, String> env = Map.of("FOXML_TRAINING_EVENT_KAFKA_SASL_JAAS_CONFIG", jaas,
                "FOXML_TRAINING_EVENT_KAFKA_SSL_KEY_PASSWORD", "hunter3");
        EmitterConfig config = hermetic(Map.of(), env)
                .setting("kafka.bootstrap", "broker:9092")
                .setting("kafka.sasl.client.secret", "hunter4")
                .config();
        assertEquals(jaas, config.extensions().get("kafka.sasl.jaas.config"), "the transport gets the value itself");
        String shown = config.toString();
        assertMentions(shown, "kafka.bootstrap=broker:9092", "kafka.sasl.jaas.config=****", "kafka.ssl.key.password=****",
                "kafka.sasl.client.secret=****");
        for (String secret : new String[] {"hunter2", "hunter3", "hunter4"}) {
            assertFalse(shown.contains(secret), shown);
        }
        Value<String> value = resolver(Map.of(), env, Map.of()).extension("kafka.ssl.key.password");
        assertEquals("foxml.training.event.kafka.ssl.key.password=\"****\" (from $FOXML_TRAINING_EVENT_KAFKA_SSL_KEY_PASSWORD)",
                value.toString());
        assertTrue(EmitterSetting.isSecret("kafka.ssl.keystore.password"));
        assertFalse(EmitterSetting.isSecret("kafka.bootstrap"));
        assertFalse(EmitterSetting.isSecret("socket"));
        System.out.println(shown);
    }
}

package io.lockstep.app;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Keeps the console readable on every route: Lockstep's {@code log4j2.properties} (warnings and errors,
 * Lockstep's own lines at info) replaces Spark's INFO defaults, which {@code spark-submit} installs before
 * the application's jar is on the class path. A log4j configuration the user chose (a
 * {@code log4j2.configurationFile} property or {@code log4j2.properties} in {@code SPARK_CONF_DIR}) is left
 * alone; {@code --log-level} sets every logger's level on top of either.
 */
public final class ConsoleLogging {
    /** The levels {@code --log-level} accepts. */
    public static final List<String> LEVELS = List.of("off", "error", "warn", "info", "debug", "trace");
    private static final String SPARK_DEFAULTS = "org/apache/spark/log4j2-defaults.properties";

    private ConsoleLogging() {}

    /** Installs Lockstep's configuration when the one in effect is Spark's default (or log4j's own). */
    static void useLockstepDefaults() {
        if (System.getProperty("log4j2.configurationFile") != null || System.getProperty("log4j.configurationFile") != null) {
            return;
        }
        LoggerContext ctx = LoggerContext.getContext(false);
        URI location = ctx.getConfigLocation();
        if (location == null || location.toString().endsWith(SPARK_DEFAULTS)) {
            ctx.setConfigLocation(lockstepConfig());
        }
    }

    /** Sets the level of every logger (Spark's, Lockstep's, ...), e.g. "info" to see Spark's start-up. */
    static void setLevel(String name) {
        String level = name.toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(level)) {
            throw new IllegalArgumentException("--log-level must be one of " + String.join(", ", LEVELS) + " (got '"
                    + name + "')");
        }
        Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.toLevel(level));
    }

    private static URI lockstepConfig() {
        try {
            return ConsoleLogging.class.getResource("/log4j2.properties").toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}

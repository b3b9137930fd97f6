package io.lockstep.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The step channels whose hub runs in this JVM, by channel key: a channel task that finds its channel here runs in
 * the driver's JVM (local mode) and uses a {@link LocalLink} instead of the network. Executors in other JVMs never
 * find one.
 */
final class LocalChannels {
    private static final Map<String, ChannelHub> HUBS = new ConcurrentHashMap<>();

    private LocalChannels() {}

    static void open(String key, ChannelHub hub) {
        HUBS.put(key, hub);
    }

    static void close(String key) {
        HUBS.remove(key);
    }

    /** The hub of channel {@code key} if it runs in this JVM, else null. */
    static ChannelHub find(String key) {
        return HUBS.get(key);
    }
}

package dev.quantumliquid.server.state;

import dev.quantumliquid.server.config.PropertySource;
import dev.quantumliquid.server.config.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Streaming state: server-held sequences and the key that signs state tokens.
 *
 * @param maxSessions QLNN_MAX_SESSIONS
 * @param maxSessionsPerCaller QLNN_MAX_SESSIONS_PER_KEY
 * @param idle QLNN_SESSION_IDLE_S
 * @param stateKeyFile QLNN_STATE_KEY_FILE (empty: a random key per process)
 */
public record SessionSettings(int maxSessions, int maxSessionsPerCaller, Duration idle, Optional<Path> stateKeyFile) {
    public static final Setting<Integer> MAX_SESSIONS = Setting.named("QLNN_MAX_SESSIONS").defaultsTo("1024")
            .doc("server-held sequences (`sequence_id`) open at once; beyond it the least recently used idle one is dropped "
                    + "(503 only while every one is running a request). A sequence answers only the API key (or client "
                    + "address) that opened it").count(0, 10_000_000);
    public static final Setting<Integer> MAX_SESSIONS_PER_KEY = Setting.named("QLNN_MAX_SESSIONS_PER_KEY").defaultsTo("64")
            .doc("server-held sequences one API key (or client address without keys) may hold; opening one more drops that "
                    + "caller's least recently used").count(1, 10_000_000);
    public static final Setting<Duration> IDLE = Setting.named("QLNN_SESSION_IDLE_S").defaultsTo("300")
            .doc("a server-held sequence unused this long is dropped").seconds(1);
    public static final Setting<Optional<Path>> STATE_KEY_FILE = Setting.named("QLNN_STATE_KEY_FILE")
            .doc("file holding the HMAC-SHA256 key (at least 32 bytes) that signs state tokens; replicas sharing it continue "
                    + "each other's sequences. Without it a random per-process key is used and a warning logged")
            .optionalPath();

    public static final List<Setting<?>> SETTINGS = List.of(MAX_SESSIONS, MAX_SESSIONS_PER_KEY, IDLE, STATE_KEY_FILE);

    public static SessionSettings load(PropertySource source) {
        return new SessionSettings(MAX_SESSIONS.read(source), MAX_SESSIONS_PER_KEY.read(source), IDLE.read(source),
                STATE_KEY_FILE.read(source));
    }
}

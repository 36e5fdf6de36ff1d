package dev.quantumliquid.server.config;

import dev.quantumliquid.server.error.ServerException;
import dev.quantumliquid.server.error.ServerException.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * One setting of the server: its environment variable, the command-line flag that overrides it (if
 * any), its default, the form it must take, how it is parsed and written back, one line of
 * documentation, and whether its value is a secret. Parsing, the start-up echo, the README's table
 * and the deployment checks all read these descriptors.
 *
 * @param <T> the parsed value's type
 */
public final class Setting<T> {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\-\\[\\]]{1,255}");
    private static final int SHOWN_CHARS = 60;

    private final String name;
    private final Optional<String> flag;
    private final String documentedDefault;
    private final Supplier<String> defaultValue;
    private final List<String> fallbacks;
    private final String expected;
    private final Parser<T> parser;
    private final Function<T, String> format;
    private final String doc;
    private final boolean secret;

    private Setting(Builder b, String expected, Parser<T> parser, Function<T, String> format) {
        this.name = b.name;
        this.flag = b.flag;
        this.documentedDefault = b.documentedDefault;
        this.defaultValue = b.defaultValue;
        this.fallbacks = List.copyOf(b.fallbacks);
        this.expected = expected;
        this.parser = parser;
        this.format = format;
        this.doc = b.doc;
        this.secret = b.secret;
    }

    /** Starts the descriptor of the variable {@code name}. */
    public static Builder named(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    /** The {@code qlnn serve} flag that overrides the variable. */
    public Optional<String> flag() {
        return flag;
    }

    /** The default as documented ("(none)" when unset means off). */
    public String documentedDefault() {
        return documentedDefault;
    }

    /** What the variable must hold, as error messages say it ("an integer in [1, 32]"). */
    public String expected() {
        return expected;
    }

    public String doc() {
        return doc;
    }

    /** Whether the value itself is a secret, never echoed nor logged. */
    public boolean secret() {
        return secret;
    }

    /** The text this setting takes from {@code source}: the variable, else its fallbacks, else the default. */
    public String text(PropertySource source) {
        Optional<String> v = source.get(name);
        for (int i = 0; v.isEmpty() && i < fallbacks.size(); i++) {
            v = source.get(fallbacks.get(i));
        }
        return v.orElseGet(defaultValue);
    }

    /** The variable that supplied the text: this one, or the fallback that was set. */
    public String source(PropertySource source) {
        if (source.get(name).isPresent()) {
            return name;
        }
        return fallbacks.stream().filter(f -> source.get(f).isPresent()).findFirst().orElse(name);
    }

    /**
     * The value in {@code source}; an invalid one is a {@link Kind#CONFIG} error of one line naming
     * the variable, what it must be and the value received.
     */
    public T read(PropertySource source) {
        String text = text(source);
        try {
            return parser.parse(text);
        } catch (ServerException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            String detail = e.getMessage() == null || e.getMessage().isBlank() ? "" : " (" + e.getMessage() + ")";
            String shown = text.length() > SHOWN_CHARS ? text.substring(0, SHOWN_CHARS) + "..." : text;
            throw new ServerException(Kind.CONFIG, source(source) + ": must be " + expected + detail + ", got '" + shown + "'");
        }
    }

    /** {@code value} written as this variable's text; reading it back gives an equal value. */
    public String format(T value) {
        return format.apply(value);
    }

    /** The value in {@code source} written back as text (the setting as the server understood it). */
    public String effective(PropertySource source) {
        return format(read(source));
    }

    @Override
    public String toString() {
        return name;
    }

    /** The common part of a descriptor; each terminal method fixes the parser. */
    public static final class Builder {
        private final String name;
        private Optional<String> flag = Optional.empty();
        private String documentedDefault = "(none)";
        private Supplier<String> defaultValue = () -> "";
        private List<String> fallbacks = List.of();
        private String doc = "";
        private boolean secret;

        private Builder(String name) {
            this.name = name;
        }

        /** The default, as parsed when the variable is unset and as documented. */
        public Builder defaultsTo(String value) {
            this.documentedDefault = value;
            this.defaultValue = () -> value;
            return this;
        }

        /** A default computed at start-up (the number of cores, the temp folder), documented as {@code documented}. */
        public Builder defaultsTo(String documented, Supplier<String> actual) {
            this.documentedDefault = documented;
            this.defaultValue = actual;
            return this;
        }

        public Builder flag(String flag) {
            this.flag = Optional.of(flag);
            return this;
        }

        /** Variables read, in order, when this one is unset. */
        public Builder fallingBackTo(String... names) {
            this.fallbacks = List.of(names);
            return this;
        }

        public Builder doc(String doc) {
            this.doc = doc;
            return this;
        }

        public Builder secret() {
            this.secret = true;
            return this;
        }

        /** A number in [min, max]; {@code min} of {@link Double#MIN_VALUE} means above 0. */
        public Setting<Double> decimal(double min, double max) {
            String expected = "a number in [" + (min == Double.MIN_VALUE ? "above 0" : fmt(min)) + ", " + fmt(max) + "]";
            return new Setting<>(this, expected, t -> {
                double d = parseDouble(t);
                if (!Double.isFinite(d) || d < min || d > max) {
                    throw new IllegalArgumentException();
                }
                return d;
            }, d -> Double.toString(d));
        }

        /** A whole number in [min, max]. */
        public Setting<Long> integer(long min, long max) {
            return new Setting<>(this, "an integer in [" + min + ", " + max + "]", t -> parseLong(t, min, max),
                    n -> Long.toString(n));
        }

        /** A whole number in [min, max] that fits an int. */
        public Setting<Integer> count(int min, int max) {
            return new Setting<>(this, "an integer in [" + min + ", " + max + "]", t -> (int) parseLong(t, min, max),
                    n -> Integer.toString(n));
        }

        /** A number of seconds in [min, 86400], fractions allowed. */
        public Setting<Duration> seconds(double min) {
            return new Setting<>(this, "a number of seconds in [" + fmt(min) + ", 86400]", t -> {
                double d = parseDouble(t);
                if (!Double.isFinite(d) || d < min || d > 86400) {
                    throw new IllegalArgumentException();
                }
                return Duration.ofNanos(Math.round(d * 1e9));
            }, d -> Double.toString(d.toNanos() / 1e9));
        }

        /** A whole number of milliseconds in [min, max]. */
        public Setting<Duration> millis(long min, long max) {
            return new Setting<>(this, "an integer in [" + min + ", " + max + "]",
                    t -> Duration.ofMillis(parseLong(t, min, max)), d -> Long.toString(d.toMillis()));
        }

        /** One of {@code options}, case-insensitive; the value is the option as written here. */
        public Setting<String> choice(String... options) {
            List<String> list = List.of(options);
            return new Setting<>(this, "one of " + String.join(", ", list), t -> {
                String lower = t.toLowerCase(Locale.ROOT);
                return list.stream().filter(o -> o.equalsIgnoreCase(lower)).findFirst()
                        .orElseThrow(IllegalArgumentException::new);
            }, s -> s);
        }

        /** An enum constant by its lower-case name. */
        public <E extends Enum<E>> Setting<E> choice(Class<E> type) {
            List<String> names = java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
            return new Setting<>(this, "one of " + String.join(", ", names), t -> {
                for (E e : type.getEnumConstants()) {
                    if (e.name().equalsIgnoreCase(t)) {
                        return e;
                    }
                }
                throw new IllegalArgumentException();
            }, e -> e.name().toLowerCase(Locale.ROOT));
        }

        /** true or false. */
        public Setting<Boolean> bool() {
            Setting<String> s = choice("true", "false");
            return new Setting<>(this, s.expected, t -> Boolean.parseBoolean(s.parser.parse(t)), b -> Boolean.toString(b));
        }

        /** A host name or IP address to listen on. */
        public Setting<String> host() {
            return new Setting<>(this, "a host name or IP address", t -> {
                if (!HOST.matcher(t).matches()) {
                    throw new IllegalArgumentException();
                }
                return t;
            }, s -> s);
        }

        /** A file or folder path. */
        public Setting<Path> path() {
            return new Setting<>(this, "a path", Builder::parsePath, Path::toString);
        }

        /** A path, or nothing when unset. */
        public Setting<Optional<Path>> optionalPath() {
            return new Setting<>(this, "a path", t -> t.isEmpty() ? Optional.empty() : Optional.of(parsePath(t)),
                    p -> p.map(Path::toString).orElse(""));
        }

        /** Any other form: {@code expected} is what error messages say the value must be. */
        public <T> Setting<T> parsedBy(String expected, Parser<T> parser, Function<T, String> format) {
            return new Setting<>(this, expected, parser, format);
        }

        private static Path parsePath(String t) {
            if (t.indexOf('\0') >= 0) {
                throw new IllegalArgumentException();
            }
            return Path.of(t);
        }

        private static double parseDouble(String t) {
            try {
                return Double.parseDouble(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException();
            }
        }

        private static long parseLong(String t, long min, long max) {
            long n;
            try {
                n = Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException();
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException();
            }
            return n;
        }

        private static String fmt(double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
    }
}
